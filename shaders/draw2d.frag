#version 330 core
// Antialiased fill and outline from the signed distance to a rounded box (negative inside),
// in pixels: a pixel's coverage is the part of its width inside the edge.

in vec2 v_local;
flat in vec3 v_shape;
flat in float v_outline;
flat in vec4 v_fill;
flat in vec4 v_stroke;

out vec4 f_color;

void main() {
    vec2 q = abs(v_local) - (v_shape.xy - v_shape.z);
    float d = length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - v_shape.z;
    float coverage = clamp(0.5 - d, 0.0, 1.0);
    if (coverage <= 0.0) {
        discard;
    }
    vec4 color = v_fill;
    if (v_outline > 0.0) {
        color = mix(v_stroke, v_fill, clamp(0.5 - (d + v_outline), 0.0, 1.0));
    }
    f_color = vec4(color.rgb, color.a * coverage);
}
