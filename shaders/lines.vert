#version 430
// World-space line segments, one colour per vertex (the march's web page draws its axes so).
in vec3 in_pos;
in vec4 in_color;
uniform mat4 u_view_proj;
out vec4 v_color;

void main() {
    v_color = in_color;
    gl_Position = u_view_proj * vec4(in_pos, 1.0);
}
