#version 330 core
// Antialiased fill and outline from a signed distance (negative inside), in pixels.

in vec2 v_pos;
flat in vec4 v_ab;
flat in vec4 v_par;
flat in vec4 v_fill;
flat in vec4 v_stroke;

out vec4 f_color;

float box_distance(vec2 p, vec2 a, vec2 b, float r) {
    vec2 half_size = abs(b - a) * 0.5;
    r = min(r, min(half_size.x, half_size.y));
    vec2 q = abs(p - (a + b) * 0.5) - (half_size - r);
    return length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - r;
}

float capsule_distance(vec2 p, vec2 a, vec2 b, float r) {
    vec2 ab = b - a;
    float len2 = dot(ab, ab);
    float h = len2 > 0.0 ? clamp(dot(p - a, ab) / len2, 0.0, 1.0) : 0.0;
    return length(p - a - h * ab) - r;
}

void main() {
    float r = v_par.x;
    float outline = v_par.z;
    float d;
    float thin = 1.0;          // shapes thinner than a pixel fade instead of vanishing
    if (v_par.y < 0.5) {
        d = box_distance(v_pos, v_ab.xy, v_ab.zw, r);
    } else {
        d = capsule_distance(v_pos, v_ab.xy, v_ab.zw, max(r, 0.5));
        thin = clamp(2.0 * r, 0.0, 1.0);
    }
    float coverage = clamp(0.5 - d, 0.0, 1.0) * thin;
    if (coverage <= 0.0) {
        discard;
    }
    vec4 color = v_fill;
    if (outline > 0.0) {
        float inner = clamp(0.5 - (d + outline), 0.0, 1.0);
        color = mix(v_stroke, v_fill, inner);
    }
    f_color = vec4(color.rgb, color.a * coverage);
}
