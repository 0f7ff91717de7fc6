package io.easyrpc.transport;

import java.util.Objects;
import java.util.function.Supplier;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

/**
 * The transport settings that servers and clients share: the event loops, the number of
 * I/O threads of event loops they own, the largest frame, TLS and the buffer allocator.
 * Immutable; give the same instance to {@code RpcServer.Builder#transportOptions} and
 * {@code RpcChannel.Builder#transportOptions}, or build one per side.
 * <p>
 * The TLS context must fit the side that uses it: a server context for a server, a client
 * context for a client; the builders check a fixed context when they take the options.
 */
public final class TransportOptions {

	/** The default largest frame: 8 MiB. */
	public static final int DEFAULT_MAX_FRAME_SIZE = 8 * 1024 * 1024;

	private static final TransportOptions DEFAULTS = builder().build();

	private final @Nullable TransportResources resources;

	private final int ioThreads;

	private final IoTransport ioTransport;

	private final int maxFrameSize;

	private final @Nullable SslContext sslContext;

	private final @Nullable Supplier<? extends SslContext> sslContexts;

	private final @Nullable ByteBufAllocator allocator;

	private TransportOptions(Builder builder) {
		this.resources = builder.resources;
		this.ioThreads = builder.ioThreads;
		this.ioTransport = builder.ioTransport;
		this.maxFrameSize = builder.maxFrameSize;
		this.sslContext = builder.sslContext;
		this.sslContexts = builder.sslContexts;
		this.allocator = builder.allocator;
	}

	/**
	 * Return the default options: event loops owned by each server and client, the
	 * default number of I/O threads, 8 MiB frames, no TLS.
	 * @return the defaults
	 */
	public static TransportOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Start building options.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return a builder that starts from these options.
	 * @return a builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.resources = this.resources;
		builder.ioThreads = this.ioThreads;
		builder.ioTransport = this.ioTransport;
		builder.maxFrameSize = this.maxFrameSize;
		builder.sslContext = this.sslContext;
		builder.sslContexts = this.sslContexts;
		builder.allocator = this.allocator;
		return builder;
	}

	/**
	 * Return the Netty transport of event loops a server or client owns.
	 * @return the transport, {@link IoTransport#AUTO} by default
	 */
	public IoTransport ioTransport() {
		return this.ioTransport;
	}

	/**
	 * Return the shared event loops.
	 * @return the resources, not closed by their users, or {@code null} when each server
	 * and client owns its event loops
	 */
	public @Nullable TransportResources transportResources() {
		return this.resources;
	}

	/**
	 * Return the number of I/O threads of event loops a server or client owns.
	 * @return the number, or {@code 0} for the default of each side: one per processor
	 * for a server, one for a client
	 */
	public int ioThreads() {
		return this.ioThreads;
	}

	/**
	 * Return the largest frame accepted from the peer.
	 * @return the size in bytes
	 */
	public int maxFrameSize() {
		return this.maxFrameSize;
	}

	/**
	 * Return the fixed TLS context.
	 * @return the context, or {@code null} when none or a supplier is set
	 */
	public @Nullable SslContext sslContext() {
		return this.sslContext;
	}

	/**
	 * Return the supplier of the TLS context of each new connection.
	 * @return the supplier, or {@code null} without TLS
	 */
	public @Nullable Supplier<? extends SslContext> sslContextSupplier() {
		return this.sslContexts;
	}

	/**
	 * Return the allocator of the connections' buffers.
	 * @return the allocator, or {@code null} for the engine's pooled buffers
	 */
	public @Nullable ByteBufAllocator allocator() {
		return this.allocator;
	}

	/**
	 * Builder of {@link TransportOptions}.
	 */
	public static final class Builder {

		private @Nullable TransportResources resources;

		private int ioThreads;

		private IoTransport ioTransport = IoTransport.AUTO;

		private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;

		private @Nullable SslContext sslContext;

		private @Nullable Supplier<? extends SslContext> sslContexts;

		private @Nullable ByteBufAllocator allocator;

		private Builder() {
		}

		/**
		 * Share event loops. By default each server and client owns its own.
		 * @param resources the transport resources, not closed by their users;
		 * {@code null} for owned event loops
		 * @return this builder
		 */
		public Builder transportResources(@Nullable TransportResources resources) {
			this.resources = resources;
			return this;
		}

		/**
		 * Set the Netty transport of event loops a server or client owns. Default
		 * {@link IoTransport#AUTO}, which is Java NIO for now; a native transport needs
		 * its jar on the class path. Ignored with shared
		 * {@link #transportResources(TransportResources) resources}.
		 * @param transport the transport
		 * @return this builder
		 */
		public Builder ioTransport(@Nullable IoTransport transport) {
			this.ioTransport = (transport != null) ? transport : IoTransport.AUTO;
			return this;
		}

		/**
		 * Set the number of I/O threads of event loops a server or client owns. Default
		 * {@code 0}: one per processor for a server, one for a client.
		 * @param ioThreads the number of I/O threads, not negative
		 * @return this builder
		 */
		public Builder ioThreads(int ioThreads) {
			if (ioThreads < 0) {
				throw new IllegalArgumentException("ioThreads must not be negative, not " + ioThreads);
			}
			this.ioThreads = ioThreads;
			return this;
		}

		/**
		 * Set the largest frame accepted from the peer, in bytes. Default 8 MiB.
		 * @param maxFrameSize the maximum frame size, at least 64 bytes
		 * @return this builder
		 */
		public Builder maxFrameSize(int maxFrameSize) {
			if (maxFrameSize < 64) {
				throw new IllegalArgumentException("maxFrameSize must be at least 64 bytes");
			}
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		/**
		 * Use TLS with a fixed context: a server context for a server, a client context
		 * for a client.
		 * @param sslContext the context
		 * @return this builder
		 */
		public Builder sslContext(SslContext sslContext) {
			this.sslContext = Objects.requireNonNull(sslContext, "sslContext must not be null");
			this.sslContexts = Tls.fixed(sslContext);
			return this;
		}

		/**
		 * Use TLS with the context the supplier gives for each new connection, so that a
		 * context replaced at run time applies to the next connection while existing ones
		 * keep theirs.
		 * @param sslContexts the supplier, called on an I/O thread for every new
		 * connection: it must be fast and must not block
		 * @return this builder
		 */
		public Builder sslContextSupplier(Supplier<? extends SslContext> sslContexts) {
			this.sslContexts = Objects.requireNonNull(sslContexts, "sslContexts must not be null");
			this.sslContext = null;
			return this;
		}

		/**
		 * Allocate the buffers of every connection from this allocator instead of the
		 * engine's pooled ones, for example to track buffers in tests.
		 * @param allocator the allocator
		 * @return this builder
		 */
		public Builder allocator(ByteBufAllocator allocator) {
			this.allocator = Objects.requireNonNull(allocator, "allocator must not be null");
			return this;
		}

		/**
		 * Build the options.
		 * @return the options
		 */
		public TransportOptions build() {
			return new TransportOptions(this);
		}

	}

}
