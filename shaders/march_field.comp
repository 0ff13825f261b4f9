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

// Point n of this invocation's share: mode 0, grid point (i, j, n) of its z column; mode 1,
// the n-th of its POINTS_PER band points.
vec3 share_point(int id, int n) {
    if (u_mode == 0) {
        float spacing = 2.0 * u_radius / float(u_grid - 1);
        return -u_radius + vec3(ivec3(id % u_grid, id / u_grid, n)) * spacing;
    }
    return points[min(id * POINTS_PER + n, u_count - 1)].xyz;
}

void main() {
    int id = int(gl_GlobalInvocationID.x);
    int count = u_mode == 0 ? u_grid : POINTS_PER;
    if (id >= (u_mode == 0 ? u_grid * u_grid : (u_count + POINTS_PER - 1) / POINTS_PER)) return;
    float lo = 1e30, hi = -1e30, err = 0.0;
    // the first evaluation before the loop lets the compiler load the weights once for all
    float f = net_eval(share_point(id, 0));
    for (int n = 0; n < count; n++) {
        if (n > 0) f = net_eval(share_point(id, n));
        if (u_mode == 0) {
            imageStore(u_field_out, ivec3(id % u_grid, id / u_grid, n), vec4(f));
            lo = min(lo, f);
            hi = max(hi, f);
        } else {
            vec3 p = share_point(id, n);
            err = max(err, abs(texture(u_field, 0.5 + p * u_field_scale).r - f));
        }
    }
    if (u_mode == 0) {
        atomicMin(stats.lo, ordered(lo));
        atomicMax(stats.hi, ordered(hi));
    } else {
        atomicMax(stats.err, ordered(err));
    }
}
