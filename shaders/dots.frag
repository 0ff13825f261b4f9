#version 430
// A round dot: u_color times u_gain (dimmer behind the surfaces), alpha-blended.
uniform vec4 u_color;
uniform float u_gain;
out vec4 frag;

void main() {
    vec2 d = gl_PointCoord - 0.5;
    if (dot(d, d) > 0.25) discard;
    frag = vec4(u_color.rgb, u_color.a * u_gain);
}
