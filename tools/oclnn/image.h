/* SPDX-License-Identifier: MIT */
/* Images for `oclnn detect`: reading PPM (P6/P3), PNG (libpng) and JPEG (libjpeg) when the build
 * found those libraries, writing PPM and PNG, and drawing boxes, text and mask overlays. */
#ifndef OCLNN_TOOL_IMAGE_H
#define OCLNN_TOOL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct image_u8 {
    uint32_t width, height;
    uint8_t *rgb; /* height x width x 3, row by row */
} image_u8;

/* Reads by content (PPM, PNG or JPEG magic). On failure writes a message to err, returns false. */
bool image_read(const char *path, image_u8 *img, char *err, size_t err_size);
/* Writes PNG when the name ends in .png (and libpng was found), else binary PPM. */
bool image_write(const char *path, const image_u8 *img, char *err, size_t err_size);
void image_free(image_u8 *img);
/* The image as torchvision's tensor: 3 planes of height x width floats, value / 255. */
float *image_to_planes(const image_u8 *img);

/* An outline `thick` pixels wide inside the box (clipped to the image). */
void image_rect(image_u8 *img, float x1, float y1, float x2, float y2, const uint8_t color[3], int thick);
/* Text in a 5x7 font scaled by `scale`, on a filled background strip; lower case is drawn as
 * upper case. (x, y) is the top-left corner; clipped to the image. */
void image_text(image_u8 *img, int x, int y, const char *text, const uint8_t fg[3], const uint8_t bg[3], int scale);
/* Blends `color` at `alpha` where mask (height x width, the image's size) is >= 0.5. */
void image_mask(image_u8 *img, const float *mask, const uint8_t color[3], float alpha);
/* A distinct colour per index. */
void image_palette(int index, uint8_t color[3]);

#endif
