#version 330 core
// One triangle covering the whole target; the fragment shaders work in texel coordinates.

void main() {
    vec2 p = vec2((gl_VertexID << 1) & 2, gl_VertexID & 2);
    gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
