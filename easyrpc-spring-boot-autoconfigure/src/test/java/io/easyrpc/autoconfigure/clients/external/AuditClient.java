package io.easyrpc.autoconfigure.clients.external;

import io.easyrpc.annotation.RpcClient;

/**
 * A client outside the auto-configuration packages whose address is a placeholder.
 */
@RpcClient(url = "${audit.url}")
public interface AuditClient {

	void record(String event);

}
