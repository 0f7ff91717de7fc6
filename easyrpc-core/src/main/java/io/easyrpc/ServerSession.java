package io.easyrpc;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of an {@link RpcSession}: attributes shared by the calls a client makes
 * in one session, on one connection. Returned by {@link RpcContext#session()}.
 * <p>
 * The server creates it on the first call with a new session id on a connection and ends
 * it when the client closes the session or the connection closes. Ending clears the
 * attributes and runs the {@link #onEnd(Runnable) end listeners}. The attribute methods
 * are thread-safe: calls of one session may run concurrently.
 */
public final class ServerSession {

	private static final Logger logger = LoggerFactory.getLogger(ServerSession.class);

	private final String id;

	private final Map<String, Object> attributes = new ConcurrentHashMap<>();

	private final List<Runnable> endListeners = new CopyOnWriteArrayList<>();

	private volatile boolean ended;

	ServerSession(String id) {
		this.id = Objects.requireNonNull(id, "id must not be null");
	}

	/**
	 * Return the session id.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return an attribute.
	 * @param name the attribute name
	 * @return the value or {@code null}
	 */
	public @Nullable Object get(String name) {
		return this.attributes.get(name);
	}

	/**
	 * Return an attribute of the given type.
	 * @param <T> the type
	 * @param name the attribute name
	 * @param type the type of the value
	 * @return the value or {@code null}
	 * @throws ClassCastException if the value is of another type
	 */
	public <T> @Nullable T get(String name, Class<T> type) {
		return type.cast(this.attributes.get(name));
	}

	/**
	 * Set an attribute.
	 * @param name the attribute name
	 * @param value the value, not {@code null}
	 * @return the previous value or {@code null}
	 */
	public @Nullable Object put(String name, Object value) {
		return this.attributes.put(name, Objects.requireNonNull(value, "value must not be null"));
	}

	/**
	 * Remove an attribute.
	 * @param name the attribute name
	 * @return the removed value or {@code null}
	 */
	public @Nullable Object remove(String name) {
		return this.attributes.remove(name);
	}

	/**
	 * Return an attribute, creating it atomically if it is absent.
	 * @param <T> the type
	 * @param name the attribute name
	 * @param factory creates the value from the name
	 * @return the existing or created value
	 */
	@SuppressWarnings("unchecked")
	public <T> T computeIfAbsent(String name, Function<String, ? extends T> factory) {
		return (T) this.attributes.computeIfAbsent(name, factory);
	}

	/**
	 * Return the names of the attributes.
	 * @return a snapshot of the names
	 */
	public Set<String> attributeNames() {
		return Set.copyOf(this.attributes.keySet());
	}

	/**
	 * Return the number of attributes.
	 * @return the attribute count
	 */
	public int size() {
		return this.attributes.size();
	}

	/**
	 * Return whether the session has ended.
	 * @return {@code true} once ended
	 */
	public boolean isEnded() {
		return this.ended;
	}

	/**
	 * Add a listener that runs once when the session ends, on the thread that ends it (an
	 * I/O thread: it must not block). Runs at once if the session has ended already.
	 * @param listener the listener
	 */
	public void onEnd(Runnable listener) {
		Objects.requireNonNull(listener, "listener must not be null");
		this.endListeners.add(listener);
		if (this.ended && this.endListeners.remove(listener)) {
			listener.run();
		}
	}

	// Called by the server; does nothing if the session has ended already.
	void end() {
		if (this.ended) {
			return;
		}
		this.ended = true;
		this.attributes.clear();
		for (Runnable listener : this.endListeners) {
			if (this.endListeners.remove(listener)) {
				try {
					listener.run();
				}
				catch (RuntimeException ex) {
					// A failing listener must not keep the others from running.
					logger.warn("End listener of easyrpc session {} failed", this.id, ex);
				}
			}
		}
	}

	@Override
	public String toString() {
		return "ServerSession " + this.id;
	}

}
