package io.easyrpc.cli;

import io.easyrpc.RpcStatus;

/**
 * The exit codes of the {@code easyrpc} command.
 * <table>
 * <caption>Exit codes</caption>
 * <tr>
 * <th>code</th>
 * <th>meaning</th>
 * </tr>
 * <tr>
 * <td>0</td>
 * <td>the call succeeded</td>
 * </tr>
 * <tr>
 * <td>1</td>
 * <td>a local failure: a file that cannot be read, an unexpected error</td>
 * </tr>
 * <tr>
 * <td>2</td>
 * <td>a usage error: unknown option, missing argument, an argument that is not JSON, an
 * invalid address</td>
 * </tr>
 * <tr>
 * <td>64 + status code</td>
 * <td>the call failed with that {@link RpcStatus}: 65 CANCELLED, 66 APPLICATION_ERROR, 67
 * INVALID_ARGUMENT, 68 DEADLINE_EXCEEDED, 69 NOT_FOUND, 71 PERMISSION_DENIED, 72
 * RESOURCE_EXHAUSTED, 77 INTERNAL, 78 UNAVAILABLE, 80 UNAUTHENTICATED</td>
 * </tr>
 * </table>
 */
public final class ExitCodes {

	/** The call succeeded. */
	public static final int OK = 0;

	/** A local failure. */
	public static final int LOCAL_FAILURE = 1;

	/** A usage error. */
	public static final int USAGE = 2;

	/** What is added to a status code. */
	public static final int STATUS_BASE = 64;

	private ExitCodes() {
	}

	/**
	 * Return the exit code of a status.
	 * @param status the status
	 * @return {@link #OK} for {@link RpcStatus#OK}, else 64 plus the status code
	 */
	public static int of(RpcStatus status) {
		return (status == RpcStatus.OK) ? OK : STATUS_BASE + status.code();
	}

}
