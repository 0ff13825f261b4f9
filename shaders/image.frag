#version 330 core
// mode 0: RGB(A) texture; mode 1: grey from one channel; mode 2: scalar through a colormap LUT.

#include "colormap.glsl"

uniform sampler2D u_image;
uniform sampler2D u_lut;
uniform int u_mode;
uniform float u_lo;
uniform float u_hi;
uniform float u_alpha;

in vec2 v_uv;

out vec4 f_color;

void main() {
    vec4 texel = texture(u_image, v_uv);
    vec4 color;
    if (u_mode == 2) {
        color = vec4(colormap(u_lut, texel.r, u_lo, u_hi), 1.0);
    } else if (u_mode == 1) {
        color = vec4(texel.rrr, 1.0);
    } else {
        color = texel;
    }
    f_color = vec4(color.rgb, color.a * u_alpha);
}
