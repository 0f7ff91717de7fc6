/**
 * The soak tool: several clients call a ledger server through a proxy that cuts
 * connections while the server is stopped and started again, then every call's outcome is
 * compared with the server's own record of what it executed.
 */
@NullMarked
package io.easyrpc.benchmark.soak;

import org.jspecify.annotations.NullMarked;
