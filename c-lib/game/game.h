/*
 * game.h: the second ABI of the conformance suite, a library with another API and a struct of its own.
 * Nothing in it is shared with hotlib.h: the suite runs it through the same core, to prove that core knows
 * no ABI. Its test variants are built from game.c.in (C) and rust-lib/game/game.rs.in (Rust).
 */
#ifndef GAME_H
#define GAME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Owned by the host: allocated once, zeroed, and passed to every version, so it survives every reload. */
typedef struct game_state {
    double  x;      /* where the player is */
    int64_t steps;  /* how many steps ran, in every version */
} game_state;

void    step(game_state *s, double dt);  /* required: x += speed * dt (speed is the version's), steps += 1 */
int32_t score(const game_state *s);      /* required: (int32_t)(x * 10) + the version's bonus */

#ifdef __cplusplus
}
#endif

#endif
