package io.easyrpc.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed because {@code verify-on-start: fail} found a client
 * that does not match its server.
 */
class RpcClientVerificationFailureAnalyzer extends AbstractFailureAnalyzer<RpcClientVerificationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RpcClientVerificationException cause) {
		String action = "Deploy a server that has these methods, or correct the client interfaces (method names, "
				+ "@RpcMethod(name), @RpcClient(service), parameters). To start anyway, set "
				+ "easyrpc.client.verify-on-start (or easyrpc.client.targets.<name>.verify-on-start) to warn or off.";
		return new FailureAnalysis(cause.getMessage(), action, cause);
	}

}
