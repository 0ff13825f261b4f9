// Colormap lookup shared by shaders; the same math as viz/colors.py colormap().
// lut: 256x1 RGB texture from gl.lut_texture (LINEAR filter, clamp to edge).
vec3 colormap(sampler2D lut, float v, float lo, float hi) {
    if (isnan(v) || isinf(v)) {
        return vec3(0.5);
    }
    float span = hi > lo ? hi - lo : 1.0;
    float t = clamp((v - lo) / span, 0.0, 1.0);
    return texture(lut, vec2((t * 255.0 + 0.5) / 256.0, 0.5)).rgb;
}
