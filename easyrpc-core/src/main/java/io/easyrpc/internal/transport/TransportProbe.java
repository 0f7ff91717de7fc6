package io.easyrpc.internal.transport;

import io.easyrpc.transport.IoTransport;

/**
 * Tells whether a native transport can be used here.
 */
@FunctionalInterface
interface TransportProbe {

	/**
	 * Return why a transport cannot be used.
	 * @param transport a native transport
	 * @return the reason, {@code null} if the transport is available
	 */
	String unavailability(IoTransport transport);

	/**
	 * Return a probe that looks for the transport's classes with a class loader, then
	 * asks Netty whether its native library loads. Classes of an absent jar are never
	 * linked.
	 * @param classLoader the class loader that must see the transport's classes
	 * @return the probe
	 */
	static TransportProbe of(ClassLoader classLoader) {
		return (transport) -> {
			String marker = switch (transport) {
				case EPOLL -> "io.netty.channel.epoll.Epoll";
				case IO_URING -> "io.netty.channel.uring.IoUring";
				default -> null;
			};
			if (marker == null) {
				return null;
			}
			try {
				Class.forName(marker, false, classLoader);
			}
			catch (ClassNotFoundException | LinkageError ex) {
				return "its classes (" + marker + ") are not on the class path";
			}
			Throwable cause = (transport == IoTransport.EPOLL) ? EpollSupport.unavailabilityCause()
					: IoUringSupport.unavailabilityCause();
			return (cause != null) ? "its native library does not load (" + cause + ")" : null;
		};
	}

}
