#version 330 core
// MODE 0: RGB(A) texture; MODE 1: grey from one channel; MODE 2: scalar through a colormap LUT.
// One program per mode: llvmpipe runs every branch of a fragment shader, so a mode switch on a
// uniform would pay for all three.

#include "colormap.glsl"

uniform sampler2D u_image;
uniform sampler2D u_lut;
uniform float u_lo;
uniform float u_hi;
uniform float u_alpha;

in vec2 v_uv;

out vec4 f_color;

void main() {
    vec4 texel = texture(u_image, v_uv);
#if MODE == 2
    vec4 color = vec4(colormap(u_lut, texel.r, u_lo, u_hi), 1.0);
#elif MODE == 1
    vec4 color = vec4(texel.rrr, 1.0);
#else
    vec4 color = texel;
#endif
    f_color = vec4(color.rgb, color.a * u_alpha);
}
