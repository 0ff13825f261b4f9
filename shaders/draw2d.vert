#version 330 core
// Instanced 2D shapes in pixel coordinates, origin at the top-left of the viewport.
// kind 0: rectangle from corner a to corner b (radius = corner rounding)
// kind 1: capsule from a to b with radius r (a disc when a == b, a thick line otherwise)

uniform vec2 u_size;           // viewport size in pixels

in vec4 i_ab;                  // a.xy, b.xy
in vec4 i_par;                 // radius, kind, outline width, unused
in vec4 i_fill;                // rgba
in vec4 i_stroke;              // rgba of the outline

out vec2 v_pos;                // pixel position of this fragment
flat out vec4 v_ab;
flat out vec4 v_par;
flat out vec4 v_fill;
flat out vec4 v_stroke;

const float PAD = 0.5;         // pixel centres up to 0.5 px outside the edge get coverage

void main() {
    vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1);
    vec2 a = i_ab.xy;
    vec2 b = i_ab.zw;
    vec2 p;
    if (i_par.y < 0.5) {
        p = mix(min(a, b) - PAD, max(a, b) + PAD, corner);
    } else {
        float r = max(i_par.x, 0.5) + PAD;
        vec2 d = b - a;
        float len = length(d);
        vec2 dir = len > 1e-6 ? d / len : vec2(1.0, 0.0);
        vec2 nrm = vec2(-dir.y, dir.x);
        p = mix(a - dir * r, b + dir * r, corner.x) + nrm * r * (2.0 * corner.y - 1.0);
    }
    v_pos = p;
    v_ab = i_ab;
    v_par = i_par;
    v_fill = i_fill;
    v_stroke = i_stroke;
    gl_Position = vec4(p.x / u_size.x * 2.0 - 1.0, 1.0 - p.y / u_size.y * 2.0, 0.0, 1.0);
}
