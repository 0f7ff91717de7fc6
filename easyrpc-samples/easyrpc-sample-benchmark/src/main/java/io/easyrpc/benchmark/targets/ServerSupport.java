package io.easyrpc.benchmark.targets;

/**
 * What the servers share: the readiness line the orchestrator waits for.
 */
final class ServerSupport {

	private ServerSupport() {
	}

	static void ready(int port) {
		System.out.println("READY " + port);
		System.out.flush();
	}

}
