#version 430
// Dots: points of a target surface, drawn as round points of one colour (viz/march/sparks.py Dots).

in vec3 in_pos;
uniform mat4 u_view_proj;
uniform float u_size;

void main() {
    gl_Position = u_view_proj * vec4(in_pos, 1.0);
    gl_PointSize = u_size;
}
