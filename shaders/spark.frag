#version 430
// Added onto the frame (additive blending): colour by the value, brightness by the flash.
in vec3 v_color;
in float v_inside;
out vec4 frag;

void main() {
    if (v_inside < 0.0) discard;
    frag = vec4(v_color, 1.0);
}
