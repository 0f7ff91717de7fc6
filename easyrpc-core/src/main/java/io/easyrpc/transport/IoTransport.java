package io.easyrpc.transport;

import org.jspecify.annotations.Nullable;

/**
 * The Netty I/O transport of TCP servers and clients. The native transports need Netty's
 * native jar for the platform on the class path, for example
 * {@code io.netty:netty-transport-native-epoll} with classifier {@code linux-x86_64}.
 * In-process channels are not affected.
 */
public enum IoTransport {

	/**
	 * The transport easyrpc prefers: currently Java NIO, also when native jars are on the
	 * class path, because no native transport measured a reliable gain (see
	 * docs/performance.md). Force {@link #EPOLL} or {@link #IO_URING} to use one.
	 */
	AUTO("auto", null),

	/**
	 * Java NIO, available everywhere.
	 */
	NIO("nio", null),

	/**
	 * Linux epoll, from {@code io.netty:netty-transport-native-epoll}.
	 */
	EPOLL("epoll", "io.netty:netty-transport-native-epoll"),

	/**
	 * Linux io_uring, from {@code io.netty:netty-transport-native-io_uring}; needs Linux
	 * 5.14 or later.
	 */
	IO_URING("io-uring", "io.netty:netty-transport-native-io_uring");

	private final String propertyValue;

	private final @Nullable String artifact;

	IoTransport(String propertyValue, @Nullable String artifact) {
		this.propertyValue = propertyValue;
		this.artifact = artifact;
	}

	/**
	 * Return the name of this transport as a configuration value, for example
	 * {@code io-uring}.
	 * @return the configuration value
	 */
	public String propertyValue() {
		return this.propertyValue;
	}

	/**
	 * Return the Maven coordinates ({@code groupId:artifactId}) of the jar this transport
	 * needs, without its platform classifier.
	 * @return the coordinates, {@code null} for a transport that needs no extra jar
	 */
	public @Nullable String artifact() {
		return this.artifact;
	}

}
