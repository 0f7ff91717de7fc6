package io.easyrpc.autoconfigure;

import io.easyrpc.server.RpcServerBindException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed because the easyrpc server could not bind its port.
 */
class RpcServerBindFailureAnalyzer extends AbstractFailureAnalyzer<RpcServerBindException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RpcServerBindException cause) {
		String description = cause.getMessage();
		String action = cause.isAddressInUse()
				? "Stop the process that holds " + cause.getAddress()
						+ ", or set easyrpc.server.port to another port (0 picks a free one)."
				: "Check easyrpc.server.host and easyrpc.server.port.";
		return new FailureAnalysis(description, action, cause);
	}

}
