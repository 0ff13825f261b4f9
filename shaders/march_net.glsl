// The exact value of a 3-input, 1-output MLP: net_eval(p) = f(p).
//
// Weights live in the uniform block `Net` (std140, bound by viz/march.py), layer after layer,
// or, when NET_CONST is defined (the same numbers as vec4(...) literals), in a constant array.
// Layer l is NIN4 * 4 rows of NOUT4 vec4 (row i: the weights from input i to outputs 4j..4j+3,
// zero rows and columns pad both sizes to multiples of 4), then one row of NOUT4 vec4 biases.
// Activations travel as vec4 blocks of 4 neurons, so a layer is NIN4 * NOUT4 * 4 vec4 FMAs.
//
// viz/march.py defines, per layer l < NET_LAYERS (at most 8):
//   L<l>_IN4, L<l>_OUT4   padded sizes / 4 (literals)
//   L<l>_OFF              first vec4 of the layer in `params`
//   L<l>_ACT              0 linear, 1 tanh, 2 sigmoid, 3 relu, 4 sin, 5 leaky_relu
//   L<l>_LOOP             the input-block loop bound: L<l>_IN4 itself (the compiler unrolls the
//                         layer: fast, fine for small layers) or (L<l>_IN4 + u_net_zero), a bound
//                         it cannot see, which keeps compile time bounded for wide layers
// and NET_LAYERS, NET_VEC4 (size of `params`), NET_MAXW4 (widest padded layer / 4).

#ifdef NET_CONST
const vec4 params[NET_VEC4] = vec4[](NET_CONST);   // the weights compiled in: no loads at all
#else
layout(std140) uniform Net {
    vec4 params[NET_VEC4];
};
#endif
uniform int u_net_zero;          // always 0

vec4 act4(int kind, vec4 z) {
    if (kind == 1) return 1.0 - 2.0 / (exp(2.0 * z) + 1.0);      // tanh, safe for any |z|
    if (kind == 2) return 1.0 / (1.0 + exp(-z));
    if (kind == 3) return max(z, 0.0);
    if (kind == 4) return sin(z);
    if (kind == 5) return max(z, 0.01 * z);
    return z;
}

// Z = act(A @ W + b) for one layer, A and Z arrays of vec4 blocks.
#define DENSE(A, Z, NIN4, NOUT4, OFF, ACT, LOOP)                                         \
    for (int j = 0; j < NOUT4; j++) Z[j] = params[OFF + NIN4 * 4 * NOUT4 + j];           \
    for (int ib = 0; ib < LOOP; ib++) {                                                   \
        vec4 av = A[ib];                                                                  \
        int row = OFF + ib * 4 * NOUT4;                                                   \
        for (int j = 0; j < NOUT4; j++) {                                                 \
            Z[j] += av.x * params[row + j] + av.y * params[row + NOUT4 + j]               \
                  + av.z * params[row + 2 * NOUT4 + j] + av.w * params[row + 3 * NOUT4 + j]; \
        }                                                                                 \
    }                                                                                     \
    for (int j = 0; j < NOUT4; j++) Z[j] = act4(ACT, Z[j]);

#define LAYER(l, A, Z) DENSE(A, Z, L##l##_IN4, L##l##_OUT4, L##l##_OFF, L##l##_ACT, L##l##_LOOP)

float net_eval(vec3 p) {
    vec4 a[NET_MAXW4];
    vec4 z[NET_MAXW4];
    a[0] = vec4(p, 0.0);
    LAYER(0, a, z)
#if NET_LAYERS > 1
    LAYER(1, z, a)
#endif
#if NET_LAYERS > 2
    LAYER(2, a, z)
#endif
#if NET_LAYERS > 3
    LAYER(3, z, a)
#endif
#if NET_LAYERS > 4
    LAYER(4, a, z)
#endif
#if NET_LAYERS > 5
    LAYER(5, z, a)
#endif
#if NET_LAYERS > 6
    LAYER(6, a, z)
#endif
#if NET_LAYERS > 7
    LAYER(7, z, a)
#endif
#if NET_LAYERS % 2 == 1
    return z[0].x;
#else
    return a[0].x;
#endif
}
