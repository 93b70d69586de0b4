# Script mode: cmake -DIN=file -DOUT=file.c -DSYM=name -P embed_file.cmake
# Writes `const unsigned char SYM[]` (NUL-terminated) and `const size_t SYM_size`.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x[0-9a-f][0-9a-f],){16}" "\\0\n" bytes "${bytes}")
file(WRITE "${OUT}.tmp" "/* Generated from ${IN}: do not edit. */\n#include <stddef.h>\n"
     "const unsigned char ${SYM}[] = {\n${bytes}0x00};\nconst size_t ${SYM}_size = ${size};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
