#version 330 core
// Inverse DCT, pass 1 of 2: along each row of coefficients, four row-modes per texel.
// Target texel (x, c * KY4 + m) = sum_i coef_c[4m .. 4m+3, i] * table_x[i, x]: the
// contributions of row-modes 4m .. 4m+3 of channel c to output column x.

// KX4 (column-modes / 4) and KY4 (row-modes / 4) are #defined by the loader, so the loop unrolls.

uniform sampler2DArray u_coef;   // texel (i, c * KY4 + m, frame) = coef_c[4m .. 4m+3, i]
uniform sampler2D u_table_x;     // texel (x, q) = cosine table of column-modes 4q .. 4q+3 at x
uniform int u_frame;

out vec4 f_color;

void main() {
    int x = int(gl_FragCoord.x);
    int row = int(gl_FragCoord.y);
    vec4 sum = vec4(0.0);
    for (int q = 0; q < KX4; ++q) {
        vec4 t = texelFetch(u_table_x, ivec2(x, q), 0);
        int i = 4 * q;
        sum += texelFetch(u_coef, ivec3(i, row, u_frame), 0) * t.x
             + texelFetch(u_coef, ivec3(i + 1, row, u_frame), 0) * t.y
             + texelFetch(u_coef, ivec3(i + 2, row, u_frame), 0) * t.z
             + texelFetch(u_coef, ivec3(i + 3, row, u_frame), 0) * t.w;
    }
    f_color = sum;
}
