package io.easyrpc.benchmark.targets;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What the servers share: the readiness line the orchestrator waits for.
 */
final class ServerSupport {

	private ServerSupport() {
	}

	static void ready(int port) {
		ready(List.of(port));
	}

	// A server of several instances announces all their ports on one line, separated by
	// commas.
	static void ready(List<Integer> ports) {
		System.out.println("READY " + ports.stream().map(String::valueOf).collect(Collectors.joining(",")));
		System.out.flush();
	}

}
