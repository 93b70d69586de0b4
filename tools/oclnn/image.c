/* SPDX-License-Identifier: MIT */
/* Image files and drawing for `oclnn detect` (see image.h). PNG and JPEG are optional: the build
 * defines OCLNN_TOOL_PNG / OCLNN_TOOL_JPEG when CMake finds libpng / libjpeg. */
#include "image.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef OCLNN_TOOL_PNG
#include <png.h>
#endif
#ifdef OCLNN_TOOL_JPEG
#include <jpeglib.h>
#endif

#define MAX_SIDE 65536u

static bool fail(char *err, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return false;
}

static bool alloc_image(image_u8 *img, uint32_t w, uint32_t h) {
    img->width = w;
    img->height = h;
    img->rgb = malloc((size_t)w * h * 3);
    return img->rgb != NULL;
}

void image_free(image_u8 *img) {
    free(img->rgb);
    img->rgb = NULL;
    img->width = img->height = 0;
}

/* A PPM header number, skipping white space and # comments. */
static bool ppm_number(FILE *f, unsigned long *v) {
    int c;
    for (;;) {
        c = fgetc(f);
        if (c == '#')
            while (c != '\n' && c != EOF) c = fgetc(f);
        else if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            break;
    }
    if (c < '0' || c > '9') return false;
    *v = 0;
    while (c >= '0' && c <= '9') {
        if (*v > 100000000ul) return false;
        *v = *v * 10 + (unsigned long)(c - '0');
        c = fgetc(f);
    }
    return true; /* the single white-space character after the number is consumed */
}

static bool read_ppm(FILE *f, const char *path, bool ascii, image_u8 *img, char *err, size_t n) {
    unsigned long w, h, maxval;
    if (!ppm_number(f, &w) || !ppm_number(f, &h) || !ppm_number(f, &maxval))
        return fail(err, n, "%s: bad PPM header", path);
    if (!w || !h || w > MAX_SIDE || h > MAX_SIDE || !maxval || maxval > 65535)
        return fail(err, n, "%s: PPM size %lux%lu or maxval %lu out of range", path, w, h, maxval);
    if (!alloc_image(img, (uint32_t)w, (uint32_t)h)) return fail(err, n, "out of memory");
    size_t count = (size_t)w * h * 3;
    for (size_t i = 0; i < count; i++) {
        unsigned long v;
        if (ascii) {
            if (!ppm_number(f, &v)) break;
        } else if (maxval < 256) {
            int c = fgetc(f);
            if (c == EOF) {
                image_free(img);
                return fail(err, n, "%s: PPM data ends early", path);
            }
            v = (unsigned long)c;
        } else {
            int a = fgetc(f), b = fgetc(f);
            if (a == EOF || b == EOF) {
                image_free(img);
                return fail(err, n, "%s: PPM data ends early", path);
            }
            v = (unsigned long)(a << 8 | b);
        }
        if (v > maxval) v = maxval;
        img->rgb[i] = (uint8_t)((v * 255 + maxval / 2) / maxval);
        if (ascii && i + 1 == count) return true;
    }
    if (ascii) {
        image_free(img);
        return fail(err, n, "%s: PPM data ends early", path);
    }
    return true;
}

#ifdef OCLNN_TOOL_PNG
static bool read_png(FILE *f, const char *path, image_u8 *img, char *err, size_t n) {
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_stdio(&pi, f)) return fail(err, n, "%s: %s", path, pi.message);
    pi.format = PNG_FORMAT_RGB;
    if (!pi.width || !pi.height || pi.width > MAX_SIDE || pi.height > MAX_SIDE) {
        png_image_free(&pi);
        return fail(err, n, "%s: PNG size %ux%u out of range", path, pi.width, pi.height);
    }
    if (!alloc_image(img, pi.width, pi.height)) {
        png_image_free(&pi);
        return fail(err, n, "out of memory");
    }
    if (!png_image_finish_read(&pi, NULL, img->rgb, 0, NULL)) {
        image_free(img);
        return fail(err, n, "%s: %s", path, pi.message);
    }
    return true;
}
#endif

#ifdef OCLNN_TOOL_JPEG
static bool read_jpeg(FILE *f, const char *path, image_u8 *img, char *err, size_t n) {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    /* libjpeg's default error handler exits; acceptable for a command-line tool reading one file. */
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
        jpeg_destroy_decompress(&cinfo);
        return fail(err, n, "%s: bad JPEG header", path);
    }
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_width > MAX_SIDE || cinfo.output_height > MAX_SIDE || cinfo.output_components != 3 ||
        !alloc_image(img, cinfo.output_width, cinfo.output_height)) {
        jpeg_destroy_decompress(&cinfo);
        return fail(err, n, "%s: JPEG size out of range or out of memory", path);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = img->rgb + (size_t)cinfo.output_scanline * img->width * 3;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return true;
}
#endif

bool image_read(const char *path, image_u8 *img, char *err, size_t n) {
    memset(img, 0, sizeof *img);
    FILE *f = fopen(path, "rb");
    if (!f) return fail(err, n, "cannot open \"%s\"", path);
    unsigned char magic[4] = {0};
    size_t got = fread(magic, 1, 4, f);
    bool ok = false;
    if (got >= 2 && magic[0] == 'P' && (magic[1] == '6' || magic[1] == '3')) {
        fseek(f, 2, SEEK_SET);
        ok = read_ppm(f, path, magic[1] == '3', img, err, n);
    } else if (got == 4 && magic[0] == 0x89 && magic[1] == 'P' && magic[2] == 'N' && magic[3] == 'G') {
#ifdef OCLNN_TOOL_PNG
        rewind(f);
        ok = read_png(f, path, img, err, n);
#else
        ok = fail(err, n, "%s: PNG support was not built (libpng not found); convert it to PPM", path);
#endif
    } else if (got >= 2 && magic[0] == 0xFF && magic[1] == 0xD8) {
#ifdef OCLNN_TOOL_JPEG
        rewind(f);
        ok = read_jpeg(f, path, img, err, n);
#else
        ok = fail(err, n, "%s: JPEG support was not built (libjpeg not found); convert it to PPM", path);
#endif
    } else {
        ok = fail(err, n, "%s: not a PPM (P6/P3), PNG or JPEG file", path);
    }
    fclose(f);
    return ok;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    if (a < b) return false;
    for (size_t i = 0; i < b; i++) {
        char c = s[a - b + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != suffix[i]) return false;
    }
    return true;
}

bool image_write(const char *path, const image_u8 *img, char *err, size_t n) {
    if (ends_with(path, ".png")) {
#ifdef OCLNN_TOOL_PNG
        png_image pi;
        memset(&pi, 0, sizeof pi);
        pi.version = PNG_IMAGE_VERSION;
        pi.width = img->width;
        pi.height = img->height;
        pi.format = PNG_FORMAT_RGB;
        if (!png_image_write_to_file(&pi, path, 0, img->rgb, 0, NULL))
            return fail(err, n, "cannot write \"%s\": %s", path, pi.message);
        return true;
#else
        return fail(err, n, "cannot write \"%s\": PNG support was not built (libpng not found); use .ppm", path);
#endif
    }
    FILE *f = fopen(path, "wb");
    if (!f) return fail(err, n, "cannot create \"%s\"", path);
    fprintf(f, "P6\n%u %u\n255\n", img->width, img->height);
    size_t count = (size_t)img->width * img->height * 3;
    bool ok = fwrite(img->rgb, 1, count, f) == count;
    ok = (fclose(f) == 0) && ok;
    return ok ? true : fail(err, n, "cannot write \"%s\"", path);
}

float *image_to_planes(const image_u8 *img) {
    size_t plane = (size_t)img->width * img->height;
    float *p = malloc(plane * 3 * sizeof *p);
    if (!p) return NULL;
    for (size_t i = 0; i < plane; i++)
        for (int c = 0; c < 3; c++) p[c * plane + i] = (float)img->rgb[i * 3 + c] / 255.0f;
    return p;
}

static void put(image_u8 *img, long x, long y, const uint8_t c[3]) {
    if (x < 0 || y < 0 || x >= (long)img->width || y >= (long)img->height) return;
    uint8_t *p = img->rgb + ((size_t)y * img->width + (size_t)x) * 3;
    p[0] = c[0], p[1] = c[1], p[2] = c[2];
}

static long clampl(float v, long lo, long hi) {
    if (!(v > (float)lo)) return lo; /* NaN too */
    if (v > (float)hi) return hi;
    return (long)v;
}

void image_rect(image_u8 *img, float x1, float y1, float x2, float y2, const uint8_t color[3], int thick) {
    long w = (long)img->width - 1, h = (long)img->height - 1;
    long a = clampl(x1, 0, w), b = clampl(y1, 0, h), c = clampl(x2, 0, w), d = clampl(y2, 0, h);
    for (int t = 0; t < thick; t++) {
        for (long x = a; x <= c; x++) {
            put(img, x, b + t, color);
            put(img, x, d - t, color);
        }
        for (long y = b; y <= d; y++) {
            put(img, a + t, y, color);
            put(img, c - t, y, color);
        }
    }
}

/* 5x7 glyphs for ' ' .. 'Z', one byte per column, bit 0 the top row. */
static const uint8_t font[59][5] = {
    {0x00, 0x00, 0x00, 0x00, 0x00}, {0x00, 0x00, 0x5F, 0x00, 0x00}, {0x00, 0x07, 0x00, 0x07, 0x00},
    {0x14, 0x7F, 0x14, 0x7F, 0x14}, {0x24, 0x2A, 0x7F, 0x2A, 0x12}, {0x23, 0x13, 0x08, 0x64, 0x62},
    {0x36, 0x49, 0x56, 0x20, 0x50}, {0x00, 0x08, 0x07, 0x03, 0x00}, {0x00, 0x1C, 0x22, 0x41, 0x00},
    {0x00, 0x41, 0x22, 0x1C, 0x00}, {0x2A, 0x1C, 0x7F, 0x1C, 0x2A}, {0x08, 0x08, 0x3E, 0x08, 0x08},
    {0x00, 0x80, 0x70, 0x30, 0x00}, {0x08, 0x08, 0x08, 0x08, 0x08}, {0x00, 0x00, 0x60, 0x60, 0x00},
    {0x20, 0x10, 0x08, 0x04, 0x02}, {0x3E, 0x51, 0x49, 0x45, 0x3E}, {0x00, 0x42, 0x7F, 0x40, 0x00},
    {0x72, 0x49, 0x49, 0x49, 0x46}, {0x21, 0x41, 0x49, 0x4D, 0x33}, {0x18, 0x14, 0x12, 0x7F, 0x10},
    {0x27, 0x45, 0x45, 0x45, 0x39}, {0x3C, 0x4A, 0x49, 0x49, 0x31}, {0x41, 0x21, 0x11, 0x09, 0x07},
    {0x36, 0x49, 0x49, 0x49, 0x36}, {0x46, 0x49, 0x49, 0x29, 0x1E}, {0x00, 0x00, 0x14, 0x00, 0x00},
    {0x00, 0x40, 0x34, 0x00, 0x00}, {0x00, 0x08, 0x14, 0x22, 0x41}, {0x14, 0x14, 0x14, 0x14, 0x14},
    {0x00, 0x41, 0x22, 0x14, 0x08}, {0x02, 0x01, 0x59, 0x09, 0x06}, {0x3E, 0x41, 0x5D, 0x59, 0x4E},
    {0x7C, 0x12, 0x11, 0x12, 0x7C}, {0x7F, 0x49, 0x49, 0x49, 0x36}, {0x3E, 0x41, 0x41, 0x41, 0x22},
    {0x7F, 0x41, 0x41, 0x41, 0x3E}, {0x7F, 0x49, 0x49, 0x49, 0x41}, {0x7F, 0x09, 0x09, 0x09, 0x01},
    {0x3E, 0x41, 0x41, 0x51, 0x73}, {0x7F, 0x08, 0x08, 0x08, 0x7F}, {0x00, 0x41, 0x7F, 0x41, 0x00},
    {0x20, 0x40, 0x41, 0x3F, 0x01}, {0x7F, 0x08, 0x14, 0x22, 0x41}, {0x7F, 0x40, 0x40, 0x40, 0x40},
    {0x7F, 0x02, 0x1C, 0x02, 0x7F}, {0x7F, 0x04, 0x08, 0x10, 0x7F}, {0x3E, 0x41, 0x41, 0x41, 0x3E},
    {0x7F, 0x09, 0x09, 0x09, 0x06}, {0x3E, 0x41, 0x51, 0x21, 0x5E}, {0x7F, 0x09, 0x19, 0x29, 0x46},
    {0x26, 0x49, 0x49, 0x49, 0x32}, {0x03, 0x01, 0x7F, 0x01, 0x03}, {0x3F, 0x40, 0x40, 0x40, 0x3F},
    {0x1F, 0x20, 0x40, 0x20, 0x1F}, {0x3F, 0x40, 0x38, 0x40, 0x3F}, {0x63, 0x14, 0x08, 0x14, 0x63},
    {0x03, 0x04, 0x78, 0x04, 0x03}, {0x61, 0x59, 0x49, 0x4D, 0x43},
};

void image_text(image_u8 *img, int x, int y, const char *text, const uint8_t fg[3], const uint8_t bg[3], int scale) {
    size_t len = strlen(text);
    long cw = 6L * scale, h = 9L * scale;
    for (long yy = y; yy < y + h; yy++)
        for (long xx = x; xx < x + (long)len * cw + scale; xx++) put(img, xx, yy, bg);
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)text[i];
        if (ch >= 'a' && ch <= 'z') ch -= 'a' - 'A';
        if (ch < ' ' || ch > 'Z') ch = '?';
        const uint8_t *g = font[ch - ' '];
        for (int col = 0; col < 5; col++)
            for (int row = 0; row < 7; row++)
                if (g[col] >> row & 1)
                    for (int sy = 0; sy < scale; sy++)
                        for (int sx = 0; sx < scale; sx++)
                            put(img, x + scale + (long)i * cw + col * scale + sx, y + scale + row * scale + sy, fg);
    }
}

void image_mask(image_u8 *img, const float *mask, const uint8_t color[3], float alpha) {
    size_t n = (size_t)img->width * img->height;
    for (size_t i = 0; i < n; i++)
        if (mask[i] >= 0.5f)
            for (int c = 0; c < 3; c++)
                img->rgb[i * 3 + c] = (uint8_t)((1.0f - alpha) * img->rgb[i * 3 + c] + alpha * color[c] + 0.5f);
}

void image_palette(int index, uint8_t color[3]) {
    static const uint8_t p[10][3] = {{230, 25, 75},  {60, 180, 75},  {255, 225, 25}, {0, 130, 200}, {245, 130, 48},
                                     {145, 30, 180}, {70, 240, 240}, {240, 50, 230}, {210, 245, 60}, {0, 128, 128}};
    memcpy(color, p[(index < 0 ? -index : index) % 10], 3);
}
