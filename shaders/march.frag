#version 430
// Level surfaces f(p) = level + k (every integer k) of a 3-input net, inside a sphere.
//
// Each ray is scanned at u_steps + 1 samples t_i = min(t0 + i h, t1), h = 2 R / u_steps, over
// its chord [t0, t1] through the sphere of radius R. The first i where floor(f(t_i) - level)
// changes brackets a surface; regula falsi (Illinois) refines it; the normal is the gradient by
// forward differences. viz/march/raymarch.py march_reference is the same algorithm in numpy.
//
// Fast path (default): the samples read a 3D texture of f on a grid (u_field). A sample whose
// texture value lies within u_band of a level (u_band bounds |texture - f|, measured when the
// weights change) is evaluated with the exact net instead, so the scan decides exactly what the
// exact scan decides. The crossing is then refined with u_refine exact regula-falsi steps.
// NAIVE: every sample uses the exact net.
// PREVIEW (= the gradient step): the texture stands in for the exact net everywhere, so the cost
// does not grow with the net; for frames whose weights change every frame (training), where the
// exact path could not reuse anything. Its error is the texture's (u_band measures it).
//
// ONE_LEVEL: the surface f = level alone (no level + k for k != 0): the cells a sample can be in
// are f < level and f >= level, and the surface is lit in u_color instead of the colormap.
// CACHE: a per-pixel image carries the scan's progress from frame to frame (see below).
// DATA_OUT: write (t, k, hit, exact evaluations) to a float target instead of a colour.

#include "march_net.glsl"
#include "colormap.glsl"

in vec2 v_ndc;
out vec4 frag;

uniform vec3 u_eye;
uniform mat4 u_view_proj;
uniform mat4 u_inv_view_proj;
uniform float u_radius;
uniform float u_level;
uniform int u_steps;
uniform int u_refine;
uniform float u_band;
uniform float u_field_scale;        // texture coordinate = 0.5 + p * u_field_scale
uniform sampler3D u_field;
uniform sampler2D u_lut;
uniform vec2 u_range;               // values mapped to the ends of the colormap
uniform float u_alpha;
uniform vec3 u_color;               // ONE_LEVEL: the surface's colour
#ifdef CACHE
layout(rgba32f, binding = 0) uniform image2D u_cache;
uniform ivec2 u_origin;             // the viewport's corner: pixel = gl_FragCoord - u_origin
uniform int u_cache_valid;          // 1: camera, viewport and weights as in the last frame
#endif

#ifdef PREVIEW
const float EPS = PREVIEW;          // forward-difference step: about a texel of the field
#else
const float EPS = 2e-3;             // forward-difference step of the gradient
#endif
const int MAX_RUNS = 16;          // texture runs per ray (each ends in an exact check)

float field(vec3 p) {
    return texture(u_field, 0.5 + p * u_field_scale).r;
}

float exact(vec3 p) {
#ifdef PREVIEW
    return field(p);
#else
    return net_eval(p);
#endif
}

// The level cell of a value v = f - level, its bounds, and whether v is within u_band of a level.
#ifdef ONE_LEVEL
float cell(float v) { return v >= 0.0 ? 0.0 : -1.0; }
float cell_lo(float c) { return c < 0.0 ? -1e30 : 0.0; }
float cell_hi(float c) { return c < 0.0 ? 0.0 : 1e30; }
bool near_level(float v) { return abs(v) < u_band; }
#else
float cell(float v) { return floor(v); }
float cell_lo(float c) { return c; }
float cell_hi(float c) { return c + 1.0; }
bool near_level(float v) {
    float frac = v - floor(v);
    return frac < u_band || frac > 1.0 - u_band;
}
#endif

// The regula-falsi point between (ta, ga) and (tb, gb), values of opposite sign.
float secant(float ta, float ga, float tb, float gb) {
    float den = gb - ga;
    return den != 0.0 ? tb - gb * (tb - ta) / den : tb;
}

void finish_miss() {
#ifdef DATA_OUT
    frag = vec4(0.0);
#else
    discard;
#endif
}

void main() {
    vec4 far = u_inv_view_proj * vec4(v_ndc, 1.0, 1.0);
    vec3 d = normalize(far.xyz / far.w - u_eye);
    float b = dot(u_eye, d);
    float disc = b * b - (dot(u_eye, u_eye) - u_radius * u_radius);
    if (disc <= 0.0 || -b + sqrt(disc) <= 0.0) {
        finish_miss();
        return;
    }
    float t0 = max(-b - sqrt(disc), 0.0);
    float t1 = -b + sqrt(disc);
    float h = 2.0 * u_radius / float(u_steps);

    // The exact value at the entry point starts the scan (and, evaluated before the loops, lets
    // the compiler keep the weights in registers for the evaluations inside them).
    float fa = exact(u_eye + t0 * d) - u_level;
    float sa = cell(fa);            // level cell of the samples so far
    float ta = t0, tb = t0, fb = fa; // last sample in cell sa, current sample
    bool crossed = false;
    int i = 1, evals = 1;
#ifdef NAIVE
    for (; i <= u_steps; i++) {
        tb = min(t0 + float(i) * h, t1);
        fb = exact(u_eye + tb * d) - u_level;
        evals++;
        if (cell(fb) != sa) {
            crossed = true;
            break;
        }
        if (tb >= t1) break;
        ta = tb;
        fa = fb;
    }
#else
    // Samples 1..j_clean are known to lie in cell sa with texture values in [lo, hi]; a pixel
    // whose camera and weights did not change since the last frame reuses that knowledge when
    // it still holds for the new level (u_cache: j_clean, lo, hi per pixel).
    int j_clean = 0;
    float lo = 1e30, hi = -1e30;
    bool clean = true;
#ifdef CACHE
    ivec2 pix = ivec2(gl_FragCoord.xy) - u_origin;
    vec4 cached = imageLoad(u_cache, pix);
    if (u_cache_valid == 1 && cached.x >= 1.0 && cached.y - u_level >= cell_lo(sa) + u_band
            && cached.z - u_level <= cell_hi(sa) - u_band) {
        j_clean = int(cached.x);
        lo = cached.y;
        hi = cached.z;
        i = j_clean + 1;
        ta = min(t0 + float(j_clean) * h, t1);
        fa = field(u_eye + ta * d) - u_level;
    }
#endif
    // runs of texture samples, each ended by a crossing, the sphere's far side or a sample too
    // close to a level to trust the texture, which the exact net then decides
    for (int run = 0; run < MAX_RUNS; run++) {
        bool check = false;
        for (; i <= u_steps; i++) {
            tb = min(t0 + float(i) * h, t1);
            fb = field(u_eye + tb * d) - u_level;
#ifndef PREVIEW                     // the preview takes the texture as the surface
            if (near_level(fb)) {
                check = true;
                break;
            }
#endif
            if (cell(fb) != sa) {
                crossed = true;
                break;
            }
            if (clean) {
                j_clean = i;
                lo = min(lo, fb + u_level);
                hi = max(hi, fb + u_level);
            }
            if (tb >= t1) break;
            ta = tb;
            fa = fb;
        }
        if (!check) break;
        clean = false;
        fb = exact(u_eye + tb * d) - u_level;
        evals++;
        if (cell(fb) != sa) {
            crossed = true;
            break;
        }
        if (tb >= t1) break;
        ta = tb;
        fa = fb;
        i++;
    }
#endif
    if (!crossed) {
#ifdef CACHE
        imageStore(u_cache, pix, vec4(float(j_clean), lo, hi, 0.0));
#endif
        finish_miss();
        return;
    }

    // the first level met going from cell sa towards cell(fb), bracketed by [ta, tb]
    float target = cell(fb) > sa ? cell_hi(sa) : cell_lo(sa);
    float ga = fa - target, gb = fb - target;
    float tq = secant(ta, ga, tb, gb);
    // u_refine exact regula-falsi (Illinois) steps, then 3 more evaluations for the gradient
    float fhit = 0.0;
    vec3 grad = vec3(0.0);
    for (int n = 0; n < u_refine + 3; n++) {
        int axis = n - u_refine;
        vec3 q = u_eye + (axis < 0 ? tq : tb) * d;
        if (axis >= 0) q[axis] += EPS;
        float fq = exact(q) - u_level;
        evals++;
        if (axis < 0) {
            float gc = fq - target;
            if (gc * gb < 0.0) {
                ta = tb;
                ga = gb;
            } else {
                ga *= 0.5;
            }
            tb = tq;
            gb = gc;
            fhit = fq;
            tq = secant(ta, ga, tb, gb);
        } else {
            grad[axis] = (fq - fhit) / EPS;
        }
    }

#ifdef CACHE
    imageStore(u_cache, pix, vec4(float(j_clean), lo, hi, 0.0));   // after the evaluations:
#endif                              // a store before them would make the compiler reload weights
#ifdef DATA_OUT
    frag = vec4(tb, target, 1.0, float(evals));
#else
    vec3 p = u_eye + tb * d;
    vec3 normal = normalize(grad + vec3(0.0, 0.0, 1e-12));
    if (dot(normal, d) > 0.0) normal = -normal;
#ifdef ONE_LEVEL
    vec3 base = u_color;
#else
    vec3 base = colormap(u_lut, u_level + target, u_range.x, u_range.y);
#endif
    vec3 light = normalize(-d + vec3(0.35, 0.6, 0.0));
    float diffuse = max(dot(normal, light), 0.0);
    float specular = pow(max(dot(reflect(-light, normal), -d), 0.0), 24.0);
    float rim = pow(1.0 - abs(dot(normal, d)), 3.0);
    vec3 color = base * (0.22 + 0.78 * diffuse) + 0.35 * specular + 0.3 * rim * base;
    frag = vec4(color, u_alpha);
    vec4 clip = u_view_proj * vec4(p, 1.0);
    gl_FragDepth = clamp(0.5 * clip.z / clip.w + 0.5, 0.0, 1.0);
#endif
}
