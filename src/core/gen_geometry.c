/*
 * Generators for geometry and measurement: area and perimeter of
 * rectangles, missing angles, volume of rectangular prisms, area of
 * triangles and parallelograms, circles, the Pythagorean theorem and the
 * volume of cylinders. Circle answers use 3.14 for pi and accept half a
 * percent either way, so an answer worked with the calculator's pi is
 * right too. See gen.h.
 */
#include "base/common.h"
#include "core/gen_impl.h"

/* ---- area of a rectangle ---- */

static const struct gen_param rect_params[] = {
    {"max_side", 4, 20, 12, "the longest side"},
};
static const char *const area_mis[] = {"area-perimeter-confusion", "area-add-sides", NULL};

static void sides(struct gen *g, int64_t *l, int64_t *w)
{
    do {
        *l = rnd(g, 2, param(g, "max_side"));
        *w = rnd(g, 2, param(g, "max_side"));
    } while (*l == *w || (*l == 4 && *w == 4));
    if (*l < *w) {
        int64_t t = *l;
        *l = *w;
        *w = t;
    }
}

static int rect_area(struct gen *g)
{
    int64_t l, w;
    struct gen_q *q, *s;

    sides(g, &l, &w);
    var_i(g, "l", l);
    var_i(g, "wd", w);
    var_i(g, "a", l * w);
    q = new_step(g);
    prompt(g, q,
           "A rectangle is $@l$ cm long and $@wd$ cm wide. What is its area, in square "
           "centimetres?",
           "Un rectángulo mide $@l$ cm de largo y $@wd$ cm de ancho. ¿Cuál es su área, en "
           "centímetros cuadrados?");
    ans_int(g, q, l * w);
    wrong_int(g, q, 2 * (l + w), "area-perimeter-confusion",
              "$@w$ is the perimeter, the distance around. The area counts the unit squares "
              "inside.",
              "$@w$ es el perímetro, la medida del contorno. El área cuenta los cuadrados unidad "
              "que caben dentro.");
    wrong_int(g, q, l + w, "area-add-sides",
              "$@w$ adds the sides. The area is $@wd$ rows of $@l$ squares: multiply.",
              "$@w$ suma los lados. El área son $@wd$ filas de $@l$ cuadrados: multiplica.");
    hint(g, q, "The area is the number of unit squares that cover the rectangle.",
         "El área es el número de cuadrados unidad que cubren el rectángulo.");
    hint(g, q, "There are $@wd$ rows of $@l$ squares.", "Hay $@wd$ filas de $@l$ cuadrados.");
    hint(g, q, "Area $= @l \\times @wd = @a$ square centimetres.",
         "Área $= @l \\times @wd = @a$ centímetros cuadrados.");
    s = new_scaffold(g);
    prompt(g, s, "How many unit squares fit in one row along the $@l$ cm side?",
           "¿Cuántos cuadrados unidad caben en una fila a lo largo del lado de $@l$ cm?");
    ans_int(g, s, l);
    hint(g, s, "One square per centimetre: $@l$.", "Un cuadrado por centímetro: $@l$.");
    return 0;
}

/* ---- perimeter of a rectangle ---- */

static const char *const perim_mis[] = {"perimeter-area-confusion", "perimeter-half", NULL};

static int rect_perimeter(struct gen *g)
{
    int64_t l, w;
    struct gen_q *q, *s;

    sides(g, &l, &w);
    var_i(g, "l", l);
    var_i(g, "wd", w);
    var_i(g, "p", 2 * (l + w));
    var_i(g, "h", l + w);
    q = new_step(g);
    prompt(g, q,
           "A rectangular garden is $@l$ m long and $@wd$ m wide. How many metres of fence go "
           "around it?",
           "Un jardín rectangular mide $@l$ m de largo y $@wd$ m de ancho. ¿Cuántos metros de "
           "cerca hacen falta para rodearlo?");
    ans_int(g, q, 2 * (l + w));
    wrong_int(g, q, l * w, "perimeter-area-confusion",
              "$@w$ is the area. The fence goes around the edge: add all four sides.",
              "$@w$ es el área. La cerca va por el borde: suma los cuatro lados.");
    wrong_int(g, q, l + w, "perimeter-half",
              "$@w$ is only two of the sides. A rectangle has four: two long and two short.",
              "$@w$ son solo dos lados. Un rectángulo tiene cuatro: dos largos y dos cortos.");
    hint(g, q, "The fence goes around all four sides.", "La cerca rodea los cuatro lados.");
    hint(g, q, "Two sides are $@l$ m and two are $@wd$ m.",
         "Dos lados miden $@l$ m y dos $@wd$ m.");
    hint(g, q, "$@l + @wd + @l + @wd = @p$ metres.", "$@l + @wd + @l + @wd = @p$ metros.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@l + @wd$?", "¿Cuánto es $@l + @wd$?");
    ans_int(g, s, l + w);
    hint(g, s, "$@l + @wd = @h$.", "$@l + @wd = @h$.");
    return 0;
}

/* ---- missing angles ---- */

static const struct gen_param angle_params[] = {
    {"words", 0, 1, 0, "1: say complementary and supplementary"},
};
static const char *const angle_mis[] = {"angle-wrong-total", NULL};

static int angle_missing(struct gen *g)
{
    bool right = rnd(g, 0, 1), words = param(g, "words");
    int64_t total = right ? 90 : 180, a;
    struct gen_q *q, *s;

    do
        a = rnd(g, 2, total / 5 - 1) * 5 + rnd(g, 0, 4);
    while (a * 2 == total);
    var_i(g, "a", a);
    var_i(g, "t", total);
    var_i(g, "r", total - a);
    q = new_step(g);
    if (words && right)
        prompt(g, q,
               "Two angles are complementary. One measures $@a^\\circ$. How many degrees "
               "does the other measure?",
               "Dos ángulos son complementarios. Uno mide $@a^\\circ$. ¿Cuántos grados mide el "
               "otro?");
    else if (words)
        prompt(g, q,
               "Two angles are supplementary. One measures $@a^\\circ$. How many degrees "
               "does the other measure?",
               "Dos ángulos son suplementarios. Uno mide $@a^\\circ$. ¿Cuántos grados mide el "
               "otro?");
    else if (right)
        prompt(g, q,
               "A right angle is split into two angles. One measures $@a^\\circ$. How many "
               "degrees does the other measure?",
               "Un ángulo recto se divide en dos ángulos. Uno mide $@a^\\circ$. ¿Cuántos grados "
               "mide el otro?");
    else
        prompt(g, q,
               "Two angles together make a straight line. One measures $@a^\\circ$. How "
               "many degrees does the other measure?",
               "Dos ángulos juntos forman una línea recta. Uno mide $@a^\\circ$. ¿Cuántos grados "
               "mide el otro?");
    ans_int(g, q, total - a);
    wrong_int(g, q, (right ? 180 : 90) - a, "angle-wrong-total",
              right ? "The two angles make $90^\\circ$, not $180^\\circ$."
                    : "The two angles make $180^\\circ$, not $90^\\circ$.",
              right ? "Los dos ángulos suman $90^\\circ$, no $180^\\circ$."
                    : "Los dos ángulos suman $180^\\circ$, no $90^\\circ$.");
    wrong_int(g, q, 360 - a, "angle-wrong-total",
              "$360^\\circ$ is a full turn; these two angles make $@t^\\circ$.",
              "$360^\\circ$ es una vuelta completa; estos dos ángulos suman $@t^\\circ$.");
    if (words)
        hint(g, q,
             right ? "Complementary angles add up to $90^\\circ$."
                   : "Supplementary angles add up to $180^\\circ$.",
             right ? "Los ángulos complementarios suman $90^\\circ$."
                   : "Los ángulos suplementarios suman $180^\\circ$.");
    else
        hint(g, q,
             right ? "A right angle measures $90^\\circ$."
                   : "A straight line makes an angle of $180^\\circ$.",
             right ? "Un ángulo recto mide $90^\\circ$."
                   : "Una línea recta forma un ángulo de $180^\\circ$.");
    hint(g, q, "Subtract the angle you know from $@t^\\circ$.",
         "Resta el ángulo que conoces de $@t^\\circ$.");
    hint(g, q, "$@t^\\circ - @a^\\circ = @r^\\circ$.", "$@t^\\circ - @a^\\circ = @r^\\circ$.");
    s = new_scaffold(g);
    prompt(g, s, "How many degrees do the two angles make together?",
           "¿Cuántos grados suman los dos ángulos juntos?");
    ans_int(g, s, total);
    wrong_int(g, s, right ? 180 : 90, "angle-wrong-total",
              right ? "They make a right angle." : "They make a straight line.",
              right ? "Forman un ángulo recto." : "Forman una línea recta.");
    hint(g, s, "$@t^\\circ$.", "$@t^\\circ$.");
    return 0;
}

/* ---- volume of a rectangular prism ---- */

static const struct gen_param prism_params[] = {
    {"max_side", 3, 15, 10, "the longest edge"},
};
static const char *const prism_mis[] = {"volume-add-dimensions", "volume-base-only",
                                        "volume-surface-area", NULL};

static int prism_volume(struct gen *g)
{
    int64_t m = param(g, "max_side"), l = rnd(g, 2, m), w = rnd(g, 2, m), h = rnd(g, 2, m);
    struct gen_q *q, *s;

    var_i(g, "l", l);
    var_i(g, "wd", w);
    var_i(g, "h", h);
    var_i(g, "b", l * w);
    var_i(g, "v", l * w * h);
    q = new_step(g);
    prompt(g, q,
           "A box is $@l$ cm long, $@wd$ cm wide and $@h$ cm tall. What is its volume, in cubic "
           "centimetres?",
           "Una caja mide $@l$ cm de largo, $@wd$ cm de ancho y $@h$ cm de alto. ¿Cuál es su "
           "volumen, en centímetros cúbicos?");
    ans_int(g, q, l * w * h);
    wrong_int(g, q, l + w + h, "volume-add-dimensions",
              "$@w$ adds the edges. The volume counts unit cubes: multiply length, width and "
              "height.",
              "$@w$ suma las aristas. El volumen cuenta cubos unidad: multiplica largo, ancho y "
              "alto.");
    wrong_int(g, q, l * w, "volume-base-only", "$@w$ is one layer of cubes. There are $@h$ layers.",
              "$@w$ es una sola capa de cubos. Hay $@h$ capas.");
    wrong_int(g, q, 2 * (l * w + l * h + w * h), "volume-surface-area",
              "$@w$ is the area of all the faces. The volume is the space inside.",
              "$@w$ es el área de todas las caras. El volumen es el espacio de adentro.");
    hint(g, q, "The bottom layer holds $@l \\times @wd$ unit cubes.",
         "La capa de abajo tiene $@l \\times @wd$ cubos unidad.");
    hint(g, q, "There are $@h$ layers.", "Hay $@h$ capas.");
    hint(g, q, "Volume $= @l \\times @wd \\times @h = @b \\times @h = @v$ cubic centimetres.",
         "Volumen $= @l \\times @wd \\times @h = @b \\times @h = @v$ centímetros cúbicos.");
    s = new_scaffold(g);
    prompt(g, s, "How many unit cubes are in the bottom layer ($@l \\times @wd$)?",
           "¿Cuántos cubos unidad hay en la capa de abajo ($@l \\times @wd$)?");
    ans_int(g, s, l * w);
    hint(g, s, "$@l \\times @wd = @b$.", "$@l \\times @wd = @b$.");
    return 0;
}

/* ---- area of a triangle ---- */

static const char *const tri_mis[] = {"triangle-no-half", "area-slant-side", NULL};

static int triangle_area(struct gen *g)
{
    int64_t b = rnd(g, 3, 20), h = rnd(g, 2, 15), sl = h + rnd(g, 1, 6);
    struct gen_q *q, *s;

    if (b == h)
        b++;
    var_i(g, "b", b);
    var_i(g, "h", h);
    var_i(g, "s", sl);
    var_i(g, "bh", b * h);
    var_dec(g, "a", b * h * 5, 1);
    q = new_step(g);
    prompt(g, q,
           "A triangle has a base of $@b$ cm and a height of $@h$ cm. One of its slanted sides "
           "measures $@s$ cm. What is its area, in square centimetres?",
           "Un triángulo tiene una base de $@b$ cm y una altura de $@h$ cm. Uno de sus lados "
           "inclinados mide $@s$ cm. ¿Cuál es su área, en centímetros cuadrados?");
    ans_dec(g, q, b * h * 5, 1, 0);
    wrong_int(g, q, b * h, "triangle-no-half",
              "$@w$ is base times height: that is a rectangle. A triangle is half of it.",
              "$@w$ es base por altura: eso es un rectángulo. Un triángulo es la mitad.");
    wrong_dec(g, q, b * sl * 5, 1, "area-slant-side",
              "$@w$ uses the slanted side. The height is the straight-up distance: $@h$ cm.",
              "$@w$ usa el lado inclinado. La altura es la distancia en vertical: $@h$ cm.");
    hint(g, q, "Area of a triangle $= \\frac{1}{2} \\times \\text{base} \\times \\text{height}$.",
         "Área de un triángulo $= \\frac{1}{2} \\times \\text{base} \\times \\text{altura}$.");
    hint(g, q, "Use the height ($@h$ cm), not the slanted side.",
         "Usa la altura ($@h$ cm), no el lado inclinado.");
    hint(g, q, "$\\frac{1}{2} \\times @b \\times @h = \\frac{@bh}{2} = @a$ square centimetres.",
         "$\\frac{1}{2} \\times @b \\times @h = \\frac{@bh}{2} = @a$ centímetros cuadrados.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@b \\times @h$?", "¿Cuánto es $@b \\times @h$?");
    ans_int(g, s, b * h);
    hint(g, s, "$@b \\times @h = @bh$.", "$@b \\times @h = @bh$.");
    return 0;
}

/* ---- area of a parallelogram ---- */

static const char *const para_mis[] = {"area-slant-side", "parallelogram-half", NULL};

static int parallelogram_area(struct gen *g)
{
    int64_t b = rnd(g, 3, 20), h = rnd(g, 2, 12), sl = h + rnd(g, 1, 5);
    struct gen_q *q, *s;

    var_i(g, "b", b);
    var_i(g, "h", h);
    var_i(g, "s", sl);
    var_i(g, "a", b * h);
    q = new_step(g);
    prompt(g, q,
           "A parallelogram has a base of $@b$ m and a height of $@h$ m. Its slanted sides "
           "measure $@s$ m. What is its area, in square metres?",
           "Un paralelogramo tiene una base de $@b$ m y una altura de $@h$ m. Sus lados inclinados "
           "miden $@s$ m. ¿Cuál es su área, en metros cuadrados?");
    ans_int(g, q, b * h);
    wrong_int(g, q, b * sl, "area-slant-side",
              "$@w$ uses the slanted side. The height is the straight-up distance between the "
              "bases: $@h$ m.",
              "$@w$ usa el lado inclinado. La altura es la distancia en vertical entre las bases: "
              "$@h$ m.");
    wrong_dec(
        g, q, b * h * 5, 1, "parallelogram-half",
        "$@w$ takes half, as for a triangle. A parallelogram can be rearranged into a "
        "rectangle: base times height.",
        "$@w$ toma la mitad, como en un triángulo. Un paralelogramo se puede reacomodar en un "
        "rectángulo: base por altura.");
    hint(g, q, "Cut off a triangle from one side and move it to the other: you get a rectangle.",
         "Corta un triángulo de un lado y pásalo al otro: obtienes un rectángulo.");
    hint(g, q,
         "Area $= \\text{base} \\times \\text{height}$, with the height, not the slanted side.",
         "Área $= \\text{base} \\times \\text{altura}$, con la altura, no con el lado inclinado.");
    hint(g, q, "$@b \\times @h = @a$ square metres.", "$@b \\times @h = @a$ metros cuadrados.");
    s = new_scaffold(g);
    prompt(g, s, "Which length is the height: $@h$ m or $@s$ m?",
           "¿Qué medida es la altura: $@h$ m o $@s$ m?");
    choice(g, s, "$@h$ m", "$@h$ m");
    choice(g, s, "$@s$ m", "$@s$ m");
    ans_choice(g, s, 0);
    wrong_choice(g, s, 1, "area-slant-side", "$@s$ m is the slanted side.",
                 "$@s$ m es el lado inclinado.");
    hint(g, s, "The height meets the base at a right angle: $@h$ m.",
         "La altura forma un ángulo recto con la base: $@h$ m.");
    return 0;
}

/* ---- circles ---- */

static const char *const circle_mis[] = {"circle-diameter-for-radius", "circle-area-circumference",
                                         NULL};

/* 3.14 * k, where k is a whole number, in hundredths. */
static int64_t pi_times(int64_t k)
{
    return 314 * k;
}

static double tol_of(int64_t hundredths)
{
    return (double)hundredths / 100.0 * 0.005;
}

static int circle_measure(struct gen *g)
{
    bool area = rnd(g, 0, 1), given_d = rnd(g, 0, 2) == 0;
    int64_t r = rnd(g, 3, 15);
    struct gen_q *q, *s;

    var_i(g, "r", r);
    var_i(g, "area", area);
    var_i(g, "d", 2 * r);
    var_i(g, "rr", r * r);
    var_dec(g, "c", pi_times(2 * r), 2);
    var_dec(g, "a", pi_times(r * r), 2);
    var_s(g, "given_en", given_d ? "a diameter of $@d$ cm" : "a radius of $@r$ cm");
    q = new_step(g);
    if (given_d) {
        if (area)
            prompt(g, q,
                   "A circle has a diameter of $@d$ cm. What is its area, in square centimetres? "
                   "Use $3.14$ for $\\pi$.",
                   "Un círculo tiene un diámetro de $@d$ cm. ¿Cuál es su área, en centímetros "
                   "cuadrados? Usa $3.14$ para $\\pi$.");
        else
            prompt(g, q,
                   "A circle has a diameter of $@d$ cm. What is its circumference, in "
                   "centimetres? Use $3.14$ for $\\pi$.",
                   "Un círculo tiene un diámetro de $@d$ cm. ¿Cuál es la longitud de su "
                   "circunferencia, en centímetros? Usa $3.14$ para $\\pi$.");
    } else {
        if (area)
            prompt(g, q,
                   "A circle has a radius of $@r$ cm. What is its area, in square centimetres? "
                   "Use $3.14$ for $\\pi$.",
                   "Un círculo tiene un radio de $@r$ cm. ¿Cuál es su área, en centímetros "
                   "cuadrados? Usa $3.14$ para $\\pi$.");
        else
            prompt(g, q,
                   "A circle has a radius of $@r$ cm. What is its circumference, in centimetres? "
                   "Use $3.14$ for $\\pi$.",
                   "Un círculo tiene un radio de $@r$ cm. ¿Cuál es la longitud de su "
                   "circunferencia, en centímetros? Usa $3.14$ para $\\pi$.");
    }
    if (area) {
        ans_dec(g, q, pi_times(r * r), 2, tol_of(pi_times(r * r)));
        if (given_d)
            wrong_dec(g, q, pi_times(4 * r * r), 2, "circle-diameter-for-radius",
                      "$@w$ uses the diameter as the radius. The radius is half the diameter: "
                      "$@r$ cm.",
                      "$@w$ usa el diámetro como radio. El radio es la mitad del diámetro: $@r$ "
                      "cm.");
        wrong_dec(g, q, pi_times(2 * r), 2, "circle-area-circumference",
                  "$@w$ is the circumference. The area is $\\pi r^2$.",
                  "$@w$ es la longitud de la circunferencia. El área es $\\pi r^2$.");
        hint(g, q, "Area of a circle $= \\pi r^2$.", "Área del círculo $= \\pi r^2$.");
        if (given_d)
            hint(g, q, "The radius is half the diameter: $@r$ cm.",
                 "El radio es la mitad del diámetro: $@r$ cm.");
        hint(g, q, "$3.14 \\times @r^2 = 3.14 \\times @rr = @a$ square centimetres.",
             "$3.14 \\times @r^2 = 3.14 \\times @rr = @a$ centímetros cuadrados.");
    } else {
        ans_dec(g, q, pi_times(2 * r), 2, tol_of(pi_times(2 * r)));
        if (!given_d)
            wrong_dec(g, q, pi_times(r), 2, "circle-diameter-for-radius",
                      "$@w$ uses the radius where the diameter belongs: $C = \\pi d = 2 \\pi r$.",
                      "$@w$ usa el radio donde va el diámetro: $C = \\pi d = 2 \\pi r$.");
        else
            wrong_dec(g, q, pi_times(4 * r), 2, "circle-diameter-for-radius",
                      "$@w$ uses the diameter where the radius belongs: $C = 2 \\pi r = \\pi d$.",
                      "$@w$ usa el diámetro donde va el radio: $C = 2 \\pi r = \\pi d$.");
        wrong_dec(g, q, pi_times(r * r), 2, "circle-area-circumference",
                  "$@w$ is the area. The circumference is $\\pi d$.",
                  "$@w$ es el área. La longitud de la circunferencia es $\\pi d$.");
        hint(g, q, "Circumference $= \\pi d = 2 \\pi r$.", "Circunferencia $= \\pi d = 2 \\pi r$.");
        if (!given_d)
            hint(g, q, "The diameter is twice the radius: $@d$ cm.",
                 "El diámetro es el doble del radio: $@d$ cm.");
        hint(g, q, "$3.14 \\times @d = @c$ centimetres.", "$3.14 \\times @d = @c$ centímetros.");
    }
    s = new_scaffold(g);
    if (given_d) {
        prompt(g, s, "What is the radius of a circle with a diameter of $@d$ cm?",
               "¿Cuál es el radio de un círculo con un diámetro de $@d$ cm?");
        ans_int(g, s, r);
        wrong_int(g, s, 4 * r, "circle-diameter-for-radius", "The radius is half the diameter.",
                  "El radio es la mitad del diámetro.");
        hint(g, s, "$@d \\div 2 = @r$.", "$@d \\div 2 = @r$.");
    } else {
        prompt(g, s, "What is the diameter of a circle with a radius of $@r$ cm?",
               "¿Cuál es el diámetro de un círculo con un radio de $@r$ cm?");
        ans_int(g, s, 2 * r);
        wrong_frac(g, s, r, 2, "circle-diameter-for-radius", "The diameter is twice the radius.",
                   "El diámetro es el doble del radio.");
        hint(g, s, "$2 \\times @r = @d$.", "$2 \\times @r = @d$.");
    }
    return 0;
}

/* ---- the Pythagorean theorem ---- */

static const char *const pyth_mis[] = {"pyth-no-root", "pyth-add-legs", NULL};

static int pythagoras(struct gen *g)
{
    static const int64_t triples[][3] = {{3, 4, 5},  {5, 12, 13}, {8, 15, 17}, {7, 24, 25},
                                         {6, 8, 10}, {9, 12, 15}, {20, 21, 29}};
    const int64_t *t = triples[rnd(g, 0, (int64_t)ARRAY_SIZE(triples) - 1)];
    int64_t k = t[2] <= 17 ? rnd(g, 1, 3) : 1, a = t[0] * k, b = t[1] * k, c = t[2] * k;
    bool hyp = rnd(g, 0, 2) != 0;
    struct gen_q *q, *s;

    if (rnd(g, 0, 1)) {
        int64_t x = a;
        a = b;
        b = x;
    }
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "c", c);
    var_i(g, "hyp", hyp);
    var_i(g, "aa", a * a);
    var_i(g, "bb", b * b);
    var_i(g, "cc", c * c);
    q = new_step(g);
    if (hyp) {
        prompt(g, q,
               "A right triangle has legs of $@a$ cm and $@b$ cm. How long is the hypotenuse, in "
               "centimetres?",
               "Un triángulo rectángulo tiene catetos de $@a$ cm y $@b$ cm. ¿Cuánto mide la "
               "hipotenusa, en centímetros?");
        ans_int(g, q, c);
        wrong_int(g, q, a * a + b * b, "pyth-no-root",
                  "$@w$ is $c^2$. Take its square root to find $c$.",
                  "$@w$ es $c^2$. Saca su raíz cuadrada para encontrar $c$.");
        wrong_int(g, q, a + b, "pyth-add-legs", "$@w$ adds the legs. Use $a^2 + b^2 = c^2$.",
                  "$@w$ suma los catetos. Usa $a^2 + b^2 = c^2$.");
        hint(g, q, "In a right triangle, $a^2 + b^2 = c^2$, where $c$ is the hypotenuse.",
             "En un triángulo rectángulo, $a^2 + b^2 = c^2$, donde $c$ es la hipotenusa.");
        hint(g, q, "$@a^2 + @b^2 = @aa + @bb = @cc$.", "$@a^2 + @b^2 = @aa + @bb = @cc$.");
        hint(g, q, "$c = \\sqrt{@cc} = @c$ cm.", "$c = \\sqrt{@cc} = @c$ cm.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@a^2 + @b^2$?", "¿Cuánto es $@a^2 + @b^2$?");
        ans_int(g, s, c * c);
        hint(g, s, "$@aa + @bb = @cc$.", "$@aa + @bb = @cc$.");
    } else {
        prompt(g, q,
               "A right triangle has a hypotenuse of $@c$ cm and one leg of $@a$ cm. How long is "
               "the other leg, in centimetres?",
               "Un triángulo rectángulo tiene una hipotenusa de $@c$ cm y un cateto de $@a$ cm. "
               "¿Cuánto mide el otro cateto, en centímetros?");
        ans_int(g, q, b);
        wrong_int(g, q, c * c - a * a, "pyth-no-root",
                  "$@w$ is $b^2$. Take its square root to find $b$.",
                  "$@w$ es $b^2$. Saca su raíz cuadrada para encontrar $b$.");
        wrong_int(g, q, c - a, "pyth-add-legs",
                  "$@w$ subtracts the sides. Use $a^2 + b^2 = c^2$: $b^2 = c^2 - a^2$.",
                  "$@w$ resta los lados. Usa $a^2 + b^2 = c^2$: $b^2 = c^2 - a^2$.");
        hint(g, q, "$a^2 + b^2 = c^2$, so $b^2 = c^2 - a^2$.",
             "$a^2 + b^2 = c^2$, así que $b^2 = c^2 - a^2$.");
        hint(g, q, "$@c^2 - @a^2 = @cc - @aa = @bb$.", "$@c^2 - @a^2 = @cc - @aa = @bb$.");
        hint(g, q, "$b = \\sqrt{@bb} = @b$ cm.", "$b = \\sqrt{@bb} = @b$ cm.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@c^2 - @a^2$?", "¿Cuánto es $@c^2 - @a^2$?");
        ans_int(g, s, b * b);
        hint(g, s, "$@cc - @aa = @bb$.", "$@cc - @aa = @bb$.");
    }
    return 0;
}

/* ---- volume of a cylinder ---- */

static const char *const cyl_mis[] = {"cyl-lateral-area", "circle-diameter-for-radius", NULL};

static int cylinder_volume(struct gen *g)
{
    int64_t r = rnd(g, 2, 10), h = rnd(g, 2, 20);
    struct gen_q *q, *s;

    if (h == 2)
        h = 3;
    var_i(g, "r", r);
    var_i(g, "h", h);
    var_i(g, "d", 2 * r);
    var_i(g, "rr", r * r);
    var_dec(g, "base", pi_times(r * r), 2);
    var_dec(g, "v", pi_times(r * r * h), 2);
    q = new_step(g);
    prompt(g, q,
           "A cylinder has a radius of $@r$ cm and a height of $@h$ cm. What is its volume, in "
           "cubic centimetres? Use $3.14$ for $\\pi$.",
           "Un cilindro tiene un radio de $@r$ cm y una altura de $@h$ cm. ¿Cuál es su volumen, en "
           "centímetros cúbicos? Usa $3.14$ para $\\pi$.");
    ans_dec(g, q, pi_times(r * r * h), 2, tol_of(pi_times(r * r * h)));
    wrong_dec(g, q, pi_times(2 * r * h), 2, "cyl-lateral-area",
              "$@w$ is the area of the curved side, $2 \\pi r h$. The volume is the base area "
              "times the height.",
              "$@w$ es el área lateral, $2 \\pi r h$. El volumen es el área de la base por la "
              "altura.");
    wrong_dec(g, q, pi_times(4 * r * r * h), 2, "circle-diameter-for-radius",
              "$@w$ uses the diameter as the radius.", "$@w$ usa el diámetro como radio.");
    hint(g, q, "Volume of a cylinder $= \\pi r^2 h$: the base's area times the height.",
         "Volumen del cilindro $= \\pi r^2 h$: el área de la base por la altura.");
    hint(g, q, "The base's area is $3.14 \\times @r^2 = @base$.",
         "El área de la base es $3.14 \\times @r^2 = @base$.");
    hint(g, q, "$@base \\times @h = @v$ cubic centimetres.",
         "$@base \\times @h = @v$ centímetros cúbicos.");
    s = new_scaffold(g);
    prompt(g, s, "What is the area of the base, $3.14 \\times @r^2$?",
           "¿Cuál es el área de la base, $3.14 \\times @r^2$?");
    ans_dec(g, s, pi_times(r * r), 2, tol_of(pi_times(r * r)));
    hint(g, s, "$3.14 \\times @rr = @base$.", "$3.14 \\times @rr = @base$.");
    return 0;
}

#define P(arr) arr, ARRAY_SIZE(arr)

const struct gen_info gen_geometry_infos[] = {
    {"rect_area", 3, "area of a rectangle", P(rect_params), area_mis, rect_area},
    {"rect_perimeter", 3, "perimeter of a rectangle", P(rect_params), perim_mis, rect_perimeter},
    {"angle_missing", 4, "a missing angle next to a known one", P(angle_params), angle_mis,
     angle_missing},
    {"prism_volume", 5, "volume of a rectangular prism", P(prism_params), prism_mis, prism_volume},
    {"triangle_area", 6, "area of a triangle", NULL, 0, tri_mis, triangle_area},
    {"parallelogram_area", 6, "area of a parallelogram", NULL, 0, para_mis, parallelogram_area},
    {"circle_measure", 7, "circumference and area of a circle", NULL, 0, circle_mis,
     circle_measure},
    {"pythagoras", 8, "the Pythagorean theorem", NULL, 0, pyth_mis, pythagoras},
    {"cylinder_volume", 8, "volume of a cylinder", NULL, 0, cyl_mis, cylinder_volume},
};
const size_t gen_geometry_count = ARRAY_SIZE(gen_geometry_infos);
