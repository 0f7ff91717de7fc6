package io.easyrpc.internal;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcSession;
import io.easyrpc.ServerSession;

/**
 * The engine's way into the parts of {@link RpcContext} and {@link ServerSession} that
 * users must not call: making a context current around an invocation, and creating and
 * ending sessions. {@code RpcContext} registers the implementation when it is
 * initialized.
 */
public abstract class ContextAccess {

	private static volatile ContextAccess instance;

	/**
	 * Register the implementation; only the first registration counts.
	 * @param access the implementation
	 */
	public static void register(ContextAccess access) {
		synchronized (ContextAccess.class) {
			if (instance != null) {
				throw new IllegalStateException("Context access is already registered");
			}
			instance = access;
		}
	}

	/**
	 * Return the implementation.
	 * @return the implementation
	 */
	public static ContextAccess get() {
		ContextAccess access = instance;
		if (access == null) {
			initialize();
			access = instance;
		}
		return access;
	}

	private static void initialize() {
		try {
			Class.forName(RpcContext.class.getName(), true, RpcContext.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Make a context current on this thread.
	 * @param context the context to attach
	 * @return the context that was current before, to pass to
	 * {@link #restore(RpcContext)}
	 */
	public abstract RpcContext attach(RpcContext context);

	/**
	 * Restore the context that was current before {@link #attach(RpcContext)}.
	 * @param previous the value returned by {@code attach}
	 */
	public abstract void restore(RpcContext previous);

	/**
	 * Create a server-side session.
	 * @param id the session id sent by the client
	 * @return the session
	 */
	public abstract ServerSession newSession(String id);

	/**
	 * End a server-side session: clear its attributes and run its end listeners.
	 * @param session the session
	 */
	public abstract void end(ServerSession session);

	/**
	 * Create a client-side session with a new random id without making it current on any
	 * thread, for a gateway that forwards the calls of a caller's session.
	 * @return the session
	 */
	public abstract RpcSession newClientSession();

}
