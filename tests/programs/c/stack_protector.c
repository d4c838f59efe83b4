/* echovm-cflags: -O2 -fstack-protector-all */
/* strings_os.c with a stack canary in every function: each prologue reads
 * fs:0x28 and each epilogue compares it again, so this checks the VM's FS
 * base / zeroed thread block (SPEC §2) and the SDK's __stack_chk_fail. */
#include "strings_os.c"
