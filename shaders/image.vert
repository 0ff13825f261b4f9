#version 330 core
// Textured quads in pixel coordinates (origin top-left), one per instance; each shows the part
// i_uv of the image (left, top, right, bottom as fractions, top = 0). The texture's top row is
// v = 1, so v is flipped here.

uniform vec2 u_size;           // viewport size in pixels

in vec4 i_rect;                // x, y (top-left), w, h in pixels
in vec4 i_uv;                  // left, top, right, bottom of the image part, in [0, 1]

out vec2 v_uv;

void main() {
    vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1);
    vec2 p = i_rect.xy + i_rect.zw * corner;
    vec2 t = mix(i_uv.xy, i_uv.zw, corner);
    v_uv = vec2(t.x, 1.0 - t.y);
    gl_Position = vec4(p.x / u_size.x * 2.0 - 1.0, 1.0 - p.y / u_size.y * 2.0, 0.0, 1.0);
}
