#version 330 core
// Instanced 2D shapes in pixel coordinates, origin at the top-left of the viewport. Every shape
// is a rounded box in its own frame, so the fragment shader has a single distance function:
// kind 0: axis-aligned rectangle from corner a to corner b (radius = corner rounding)
// kind 1: capsule from a to b with radius r (a disc when a == b, a thick line otherwise)

uniform vec2 u_size;           // viewport size in pixels

in vec4 i_ab;                  // a.xy, b.xy
in vec4 i_par;                 // radius, kind, outline width, unused
in vec4 i_fill;                // rgba
in vec4 i_stroke;              // rgba of the outline

out vec2 v_local;              // pixel offset from the shape's centre, in the shape's frame
flat out vec3 v_shape;         // half width, half height, corner radius
flat out float v_outline;
flat out vec4 v_fill;
flat out vec4 v_stroke;

const float PAD = 0.5;         // pixel centres up to 0.5 px outside the edge get coverage

void main() {
    vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1) * 2.0 - 1.0;
    vec2 a = i_ab.xy;
    vec2 b = i_ab.zw;
    vec2 axis = vec2(1.0, 0.0);
    vec2 half_size;
    float radius;
    float thin = 1.0;          // shapes thinner than a pixel fade instead of vanishing
    if (i_par.y < 0.5) {
        half_size = 0.5 * abs(b - a);
        radius = clamp(i_par.x, 0.0, min(half_size.x, half_size.y));
    } else {
        radius = max(i_par.x, 0.5);
        thin = clamp(2.0 * i_par.x, 0.0, 1.0);
        float len = length(b - a);
        axis = len > 1e-6 ? (b - a) / len : axis;
        half_size = vec2(0.5 * len + radius, radius);
    }
    v_local = corner * (half_size + PAD);
    vec2 p = 0.5 * (a + b) + axis * v_local.x + vec2(-axis.y, axis.x) * v_local.y;
    v_shape = vec3(half_size, radius);
    v_outline = i_par.z;
    v_fill = vec4(i_fill.rgb, i_fill.a * thin);
    v_stroke = vec4(i_stroke.rgb, i_stroke.a * thin);
    gl_Position = vec4(p.x / u_size.x * 2.0 - 1.0, 1.0 - p.y / u_size.y * 2.0, 0.0, 1.0);
}
