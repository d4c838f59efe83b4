/* Spins forever: must end out_of_gas with gas_used == the limit. */
#include "echovm.h"
ECHOVM_ENTRY {
    volatile unsigned long n = 0;
    for (;;) n++;
}
