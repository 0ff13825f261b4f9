#version 430
// One triangle covering the viewport; v_ndc is the pixel's normalized device position.
out vec2 v_ndc;

void main() {
    vec2 corner = vec2(float((gl_VertexID & 1) * 4 - 1), float((gl_VertexID & 2) * 2 - 1));
    v_ndc = corner;
    gl_Position = vec4(corner, 0.0, 1.0);
}
