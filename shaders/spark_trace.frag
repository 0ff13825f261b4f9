#version 430
// The sparks' flow lines traced on the GPU (the web page's sparks; viz/march/sparks.py trace is
// the same in numpy): the pixel (v, s) is vertex v of spark s, frag = (position, f there).
// From the seed (vertex u_vertices / 2) unit-speed midpoint steps along grad f, which central
// differences of the net give, forwards for the vertices after it and backwards before.

#include "march_net.glsl"

uniform sampler2D u_seeds;          // (1, n) RGB float: the seeds, one per row
uniform int u_vertices;
uniform float u_step;
out vec4 frag;

const float H = 1e-3;               // central-difference step of the gradient

vec3 unit_grad(vec3 p) {
    vec3 g;
    for (int axis = 0; axis < 3; axis++) {
        vec3 e = vec3(0.0);
        e[axis] = H;
        g[axis] = (net_eval(p + e) - net_eval(p - e)) / (2.0 * H);
    }
    return g / (length(g) + 1e-9);
}

void main() {
    ivec2 pix = ivec2(gl_FragCoord.xy);
    int mid = u_vertices / 2;
    float dir = pix.x > mid ? 1.0 : -1.0;
    vec3 p = texelFetch(u_seeds, ivec2(0, pix.y), 0).xyz;
    for (int i = 0; i < abs(pix.x - mid); i++) {
        vec3 half_step = p + 0.5 * dir * u_step * unit_grad(p);
        p += dir * u_step * unit_grad(half_step);
    }
    frag = vec4(p, net_eval(p));
}
