#version 430
// f = net_eval(p) for the point p stored in each texel of u_points (RGB float, same size as
// the float target): the shader's own net evaluation, read back to check it against numpy.

#include "march_net.glsl"

uniform sampler2D u_points;
out vec4 frag;

void main() {
    vec3 p = texelFetch(u_points, ivec2(gl_FragCoord.xy), 0).xyz;
    frag = vec4(net_eval(p), 0.0, 0.0, 1.0);
}
