#version 430
// The vertex colour, alpha-blended (shaders/lines.vert).
in vec4 v_color;
out vec4 frag;

void main() {
    frag = v_color;
}
