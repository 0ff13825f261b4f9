#version 330 core
// Instanced glyph quads in pixel coordinates, origin at the top-left of the viewport.

uniform vec2 u_size;           // viewport size in pixels

in vec4 i_rect;                // x, y (top-left), w, h in pixels
in vec4 i_uv;                  // u0, v_top, u1, v_bottom in the atlas
in vec4 i_color;

out vec2 v_uv;
flat out vec4 v_color;

void main() {
    vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1);
    vec2 p = i_rect.xy + i_rect.zw * corner;
    v_uv = mix(i_uv.xy, i_uv.zw, corner);
    v_color = i_color;
    gl_Position = vec4(p.x / u_size.x * 2.0 - 1.0, 1.0 - p.y / u_size.y * 2.0, 0.0, 1.0);
}
