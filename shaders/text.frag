#version 330 core
// Glyph coverage from the single-channel atlas times the text colour.

uniform sampler2D u_atlas;

in vec2 v_uv;
flat in vec4 v_color;

out vec4 f_color;

void main() {
    float coverage = texture(u_atlas, v_uv).r;
    if (coverage <= 0.0) {
        discard;
    }
    f_color = vec4(v_color.rgb, v_color.a * coverage);
}
