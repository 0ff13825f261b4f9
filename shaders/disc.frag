#version 430
// The sphere's outline for the march's web page (the window draws it with the Painter): a
// disc of u_pix pixels around u_center, filled u_disc with a 1-pixel rim u_rim, on u_bg.
uniform vec2 u_center;
uniform float u_pix;
uniform vec3 u_bg;
uniform vec3 u_disc;
uniform vec3 u_rim;
out vec4 frag;

void main() {
    float d = length(gl_FragCoord.xy - u_center);
    vec3 c = mix(u_bg, u_disc, clamp(u_pix - d + 0.5, 0.0, 1.0));
    frag = vec4(mix(c, u_rim, clamp(1.0 - abs(d - u_pix), 0.0, 1.0)), 1.0);
}
