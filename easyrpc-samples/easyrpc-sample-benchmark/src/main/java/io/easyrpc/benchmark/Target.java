package io.easyrpc.benchmark;

import java.util.Arrays;
import java.util.List;

/**
 * The servers compared, each with the class that starts it in its own JVM and whether it
 * is part of the default matrix.
 */
public enum Target {

	/** easyrpc, a plain service method run on the worker pool. */
	EASYRPC_BLOCKING("easyrpc-blocking", true, "io.easyrpc.benchmark.targets.EasyRpcBenchmarkServer"),

	/** easyrpc, a method declared {@code @RpcMethod(nonBlocking = true)}. */
	EASYRPC_NON_BLOCKING("easyrpc-nonblocking", true, "io.easyrpc.benchmark.targets.EasyRpcBenchmarkServer"),

	/**
	 * easyrpc, the non-blocking method served by three instances of the application in
	 * one JVM, called through one channel over the three addresses (round robin);
	 * measures the call router against {@link #EASYRPC_NON_BLOCKING}. Not in the default
	 * matrix.
	 */
	EASYRPC_THREE_INSTANCES("easyrpc-three-instances", false, "io.easyrpc.benchmark.targets.EasyRpcBenchmarkServer",
			"--instances=3"),

	/** gRPC-java with its default executor on server and client. */
	GRPC_DEFAULT("grpc-default", true, "io.easyrpc.benchmark.targets.GrpcEchoServer", "default"),

	/** gRPC-java with {@code directExecutor()} on server and client. */
	GRPC_DIRECT("grpc-direct", true, "io.easyrpc.benchmark.targets.GrpcEchoServer", "direct"),

	/** A raw Netty length-prefixed echo: the practical ceiling. */
	NETTY_ECHO("netty-echo", true, "io.easyrpc.benchmark.targets.NettyEchoServer");

	private final String id;

	private final boolean inDefaultMatrix;

	private final String serverClass;

	private final List<String> serverArguments;

	Target(String id, boolean inDefaultMatrix, String serverClass, String... serverArguments) {
		this.id = id;
		this.inDefaultMatrix = inDefaultMatrix;
		this.serverClass = serverClass;
		this.serverArguments = List.of(serverArguments);
	}

	/**
	 * Return the identifier used on the command line and in results.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return the main class of the server.
	 * @return the class name
	 */
	public String serverClass() {
		return this.serverClass;
	}

	/**
	 * Return the arguments of the server's main method.
	 * @return the arguments
	 */
	public List<String> serverArguments() {
		return this.serverArguments;
	}

	/**
	 * Return the targets run when none are named, in declaration order.
	 * @return the default targets
	 */
	public static List<Target> defaults() {
		return Arrays.stream(values()).filter((target) -> target.inDefaultMatrix).toList();
	}

	/**
	 * Return the target with the given identifier.
	 * @param id the identifier
	 * @return the target
	 */
	public static Target of(String id) {
		for (Target target : values()) {
			if (target.id.equals(id)) {
				return target;
			}
		}
		throw new IllegalArgumentException("Unknown target '" + id + "'");
	}

}
