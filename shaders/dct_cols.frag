#version 330 core
// Inverse DCT, pass 2 of 2: along each column of pass 1's result, four row-modes per texel.
// Image row y (0 at the top), channel c = sum_j table_y[j, y] * rows_c[j, x], clamped to [0, 1].

// KY4 (row-modes / 4) is #defined by the loader, so the loop unrolls.

uniform sampler2D u_rows;        // pass 1: texel (x, c * KY4 + m) = rows_c[4m .. 4m+3, x]
uniform sampler2D u_table_y;     // texel (y, m) = cosine table of row-modes 4m .. 4m+3 at y
uniform int u_height;

out vec4 f_color;

void main() {
    int x = int(gl_FragCoord.x);
    int y = u_height - 1 - int(gl_FragCoord.y);
    vec3 sum = vec3(0.0);
    for (int m = 0; m < KY4; ++m) {
        vec4 t = texelFetch(u_table_y, ivec2(y, m), 0);
        sum.r += dot(t, texelFetch(u_rows, ivec2(x, m), 0));
        sum.g += dot(t, texelFetch(u_rows, ivec2(x, KY4 + m), 0));
        sum.b += dot(t, texelFetch(u_rows, ivec2(x, 2 * KY4 + m), 0));
    }
    f_color = vec4(clamp(sum, 0.0, 1.0), 1.0);
}
