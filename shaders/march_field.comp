#version 430
// The net sampled for the fast raymarch, run whenever the weights change.
//   u_mode 0: f at the grid points p = -R + (i, j, k) * 2R / (G - 1) -> u_field_out (G^3, r32f);
//             run with G^2 / 64 groups (one z column per invocation)
//             the range of f over the grid -> stats.lo, stats.hi
//   u_mode 1: |texture(f) - f| at the points in `Points` (inside the sphere) -> stats.err,
//             read through the same sampler the raymarch uses; count / (64 POINTS_PER) groups
// Floats are stored as order-preserving uints so atomicMin / atomicMax compare them.

layout(local_size_x = 64) in;

#include "march_net.glsl"

layout(r32f, binding = 0) uniform writeonly image3D u_field_out;
uniform sampler3D u_field;
layout(std430, binding = 1) buffer Stats {
    uint lo;
    uint hi;
    uint err;
} stats;
layout(std430, binding = 2) readonly buffer Points {
    vec4 points[];
};
uniform int u_mode;
uniform int u_grid;
uniform int u_count;
uniform float u_radius;
uniform float u_field_scale;

const int POINTS_PER = 32;

uint ordered(float v) {
    uint u = floatBitsToUint(v);
    return (u & 0x80000000u) != 0u ? ~u : u | 0x80000000u;
}

void main() {
    int id = int(gl_GlobalInvocationID.x);
    if (u_mode == 0) {
        // one column of the grid along z per invocation: the evaluation before the loop lets
        // the compiler load the weights once for the whole column
        if (id >= u_grid * u_grid) return;
        ivec3 ijk = ivec3(id % u_grid, id / u_grid, 0);
        float spacing = 2.0 * u_radius / float(u_grid - 1);
        vec3 p = -u_radius + vec3(ijk) * spacing;
        float f = net_eval(p);
        imageStore(u_field_out, ijk, vec4(f));
        float lo = f, hi = f;
        for (int k = 1; k < u_grid; k++) {
            ijk.z = k;
            f = net_eval(vec3(p.xy, -u_radius + float(k) * spacing));
            imageStore(u_field_out, ijk, vec4(f));
            lo = min(lo, f);
            hi = max(hi, f);
        }
        atomicMin(stats.lo, ordered(lo));
        atomicMax(stats.hi, ordered(hi));
    } else {
        // POINTS_PER consecutive points per invocation, for the same reason
        int first = id * POINTS_PER;
        if (first >= u_count) return;
        vec3 p = points[first].xyz;
        float err = abs(texture(u_field, 0.5 + p * u_field_scale).r - net_eval(p));
        for (int n = 1; n < POINTS_PER; n++) {
            p = points[min(first + n, u_count - 1)].xyz;
            err = max(err, abs(texture(u_field, 0.5 + p * u_field_scale).r - net_eval(p)));
        }
        atomicMax(stats.err, ordered(err));
    }
}
