/*
 * Password checks (NIST SP 800-63B section 5.1.1.2, "Memorized Secret
 * Verifiers"): a new password is compared against "passwords obtained from
 * previous breach corpuses", "repetitive or sequential characters" and
 * "context-specific words, such as the name of the service, the username",
 * and no other composition rule is imposed.
 *
 * The list below is the head of the most frequent passwords in public
 * breach-frequency rankings, plus school-flavoured variants; entries
 * shorter than 8 characters are kept because a password is also refused
 * when it is one of them followed by digits or punctuation ("monkey123!").
 */
#include "base/common.h"

#include <ctype.h>
#include <stdio.h>

#include "app/auth.h"

static const char *const common[] = {
    "000000",     "111111",       "112233",      "121212",       "123123",        "123321",
    "1234",       "12345",        "123456",      "1234567",      "12345678",      "123456789",
    "1234567890", "123654",       "123qwe",      "131313",       "147258",        "159753",
    "1q2w3e",     "1q2w3e4r",     "1qaz2wsx",    "222222",       "654321",        "666666",
    "696969",     "7777777",      "888888",      "987654321",    "aaaaaa",        "abc123",
    "abcd1234",   "abcdef",       "access",      "admin",        "administrator", "amanda",
    "andrew",     "angel",        "anthony",     "apple",        "ashley",        "asdf",
    "asdfasdf",   "asdfgh",       "asdfghjkl",   "austin",       "baseball",      "batman",
    "bailey",     "basketball",   "biteme",      "buster",       "calculus",      "changeme",
    "charlie",    "cheese",       "chelsea",     "chicken",      "chocolate",     "classroom",
    "computer",   "cookie",       "corvette",    "cowboys",      "dallas",        "daniel",
    "dragon",     "default",      "diamond",     "dolphin",      "education",     "elementary",
    "football",   "freedom",      "fuckyou",     "ginger",       "goodluck",      "hannah",
    "harley",     "hello",        "hello123",    "hockey",       "homework",      "hunter",
    "iloveyou",   "internet",     "jennifer",    "jessica",      "jordan",        "jordan23",
    "joshua",     "justin",       "killer",      "kindergarten", "letmein",       "liverpool",
    "login",      "love",         "lovely",      "loveme",       "maggie",        "master",
    "matrix",     "matthew",      "merlin",      "michael",      "michelle",      "monkey",
    "mustang",    "myspace",      "nicole",      "ninja",        "password",      "password1",
    "password12", "password123",  "passw0rd",    "pa55word",     "pepper",        "princess",
    "principal",  "pokemon",      "purple",      "qazwsx",       "qwerty",        "qwerty123",
    "qwertyuiop", "rainbow",      "robert",      "school",       "school123",     "secret",
    "shadow",     "soccer",       "starwars",    "student",      "student1",      "student123",
    "summer",     "sunshine",     "superman",    "taylor",       "teacher",       "teacher1",
    "teacher123", "test",         "test123",     "thomas",       "tigger",        "trustno1",
    "welcome",    "welcome1",     "whatever",    "winter",       "william",       "zaq12wsx",
    "zxcvbn",     "zxcvbnm",      "spring",      "autumn",       "fall2024",      "fall2025",
    "fall2026",   "spring2025",   "spring2026",  "summer2025",   "summer2026",    "winter2025",
    "winter2026", "january",      "february",    "september",    "october",       "november",
    "december",   "schoolyear",   "mathematics", "science",      "library",       "recess",
    "qwer1234",   "1qaz2wsx3edc", "q1w2e3r4",    "q1w2e3r4t5",   "a1b2c3d4",      "aa123456",
    "iloveyou1",  "princess1",    "sunshine1",   "football1",    "baseball1",     "monkey1",
    "dragon1",    "superman1",    "batman123",   "charlie1",     "michael1",      "jessica1",
    "ashley1",    "babygirl",     "lovelove",    "forever",      "friends",       "family",
    "mommy",      "daddy",        "blessed",     "jesus",
};

/* s reduced to lower-case letters and digits, into out. */
static void fold(const char *s, char *out, size_t n)
{
    size_t j = 0;
    for (; *s && j + 1 < n; s++)
        if (isalnum((unsigned char)*s))
            out[j++] = (char)tolower((unsigned char)*s);
    out[j] = '\0';
}

bool auth_password_is_common(const char *s)
{
    char f[AUTH_PASSWORD_MAX + 1];
    size_t n;

    fold(s, f, sizeof(f));
    n = strlen(f);
    /* a listed word followed only by digits (the folded tail) counts as the word */
    while (n > 0) {
        for (size_t i = 0; i < ARRAY_SIZE(common); i++)
            if (strlen(common[i]) == n && memcmp(common[i], f, n) == 0)
                return true;
        if (!isdigit((unsigned char)f[n - 1]))
            break;
        f[--n] = '\0';
    }
    return false;
}

/* One character repeated, or a run that steps by the same amount (abcdef, 97531, qwerty). */
static bool trivial(const char *s)
{
    static const char *const rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890",
                                       "abcdefghijklmnopqrstuvwxyz"};
    size_t n = strlen(s);
    bool same = true, step = true;

    for (size_t i = 1; i < n; i++) {
        if (s[i] != s[0])
            same = false;
        if (i >= 2 && (s[i] - s[i - 1]) != (s[1] - s[0]))
            step = false;
    }
    if (same || (step && n >= 2 && abs(s[1] - s[0]) <= 1))
        return true;
    for (size_t r = 0; r < ARRAY_SIZE(rows); r++) {
        char lower[AUTH_PASSWORD_MAX + 1];
        fold(s, lower, sizeof(lower));
        if (strlen(lower) == n && strstr(rows[r], lower))
            return true;
    }
    return false;
}

static bool contains_word(const char *hay, const char *word)
{
    char h[AUTH_PASSWORD_MAX + 1], w[256];
    fold(hay, h, sizeof(h));
    fold(word, w, sizeof(w));
    return strlen(w) >= 4 && strstr(h, w) != NULL;
}

int auth_password_acceptable(struct ctx *c, const char *pw, const char *login, const char *name)
{
    size_t n = strlen(pw), chars = 0;

    /* length counts characters, not bytes (800-63B: each Unicode code point is one) */
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
        if ((*p & 0xc0) != 0x80)
            chars++;
    if (chars < AUTH_PASSWORD_MIN)
        return ctx_fail(c, -EINVAL, "password: must be at least %d characters", AUTH_PASSWORD_MIN);
    if (n > AUTH_PASSWORD_MAX)
        return ctx_fail(c, -EINVAL, "password: must be at most %d bytes", AUTH_PASSWORD_MAX);
    if (!str_valid_utf8((struct str){pw, n}))
        return ctx_fail(c, -EINVAL, "password: must be UTF-8 text");
    if (auth_password_is_common(pw))
        return ctx_fail(c, -EINVAL,
                        "password: is one of the most common passwords; choose another");
    if (trivial(pw))
        return ctx_fail(c, -EINVAL, "password: is a repeated or sequential run of characters");
    if (contains_word(pw, "trellis") || (login && contains_word(pw, login)))
        return ctx_fail(c, -EINVAL,
                        "password: must not contain the user name or the service's name");
    if (name) {
        /* each part of the person's name */
        char part[128];
        const char *p = name;
        while (*p) {
            size_t k = strcspn(p, " -.'");
            if (k > 0 && k < sizeof(part)) {
                memcpy(part, p, k);
                part[k] = '\0';
                if (contains_word(pw, part))
                    return ctx_fail(c, -EINVAL, "password: must not contain the person's name");
            }
            p += k;
            if (*p)
                p++;
        }
    }
    return 0;
}
