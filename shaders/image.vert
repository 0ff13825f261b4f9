#version 330 core
// One textured quad in pixel coordinates (origin top-left); the texture's top row is v = 1.

uniform vec2 u_size;           // viewport size in pixels
uniform vec4 u_rect;           // x, y (top-left), w, h in pixels

out vec2 v_uv;

void main() {
    vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1);
    vec2 p = u_rect.xy + u_rect.zw * corner;
    v_uv = vec2(corner.x, 1.0 - corner.y);
    gl_Position = vec4(p.x / u_size.x * 2.0 - 1.0, 1.0 - p.y / u_size.y * 2.0, 0.0, 1.0);
}
