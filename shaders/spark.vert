#version 430
// Sparks: short pieces of the net's gradient-flow lines. Each vertex carries its position and
// the net's value there; it lights up when the animated level passes that value and fades over
// the rest of the period, so the light runs along the flow towards larger f.

#ifdef TRACED
// the web page: vertex gl_VertexID of the line segments, read from the traced lines (pixel
// (v, s): vertex v of spark s, position and f; shaders/spark_trace.frag)
uniform highp sampler2D u_trace;
uniform int u_vertices;
#else
in vec3 in_pos;
in float in_value;
#endif
out vec3 v_color;
out float v_inside;

#include "colormap.glsl"

uniform mat4 u_view_proj;
uniform float u_level;
uniform float u_radius;
uniform vec2 u_range;
uniform float u_gain;
uniform float u_decay;
uniform sampler2D u_lut;

void main() {
#ifdef TRACED
    int segment = gl_VertexID / 2;
    ivec2 at = ivec2(segment % (u_vertices - 1) + gl_VertexID % 2, segment / (u_vertices - 1));
    vec4 traced = texelFetch(u_trace, at, 0);
    vec3 in_pos = traced.xyz;
    float in_value = traced.w;
#endif
    float since = fract(u_level - in_value);           // level passed this value `since` ago
    float flash = exp(-u_decay * since);
    v_color = colormap(u_lut, in_value, u_range.x, u_range.y) * flash * u_gain;
    v_inside = u_radius - length(in_pos);
    gl_Position = u_view_proj * vec4(in_pos, 1.0);
}
