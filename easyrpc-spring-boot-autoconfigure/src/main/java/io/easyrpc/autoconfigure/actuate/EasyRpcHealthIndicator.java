package io.easyrpc.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of easyrpc: {@code UP} while the server is bound and serving,
 * {@code OUT_OF_SERVICE} while it drains on shutdown, {@code DOWN} when it is not
 * serving. Client targets add their connection state to the details; they make the status
 * {@code DOWN} only when {@code easyrpc.client.health.down-when-unavailable=true}, since
 * a remote outage should not restart the caller.
 */
public class EasyRpcHealthIndicator implements HealthIndicator {

	private final ObjectProvider<RpcServer> server;

	private final ObjectProvider<RpcClientFactory> clients;

	private final boolean downWhenTargetUnavailable;

	/**
	 * Create the indicator.
	 * @param server the server, if any
	 * @param clients the client factory, if any
	 * @param downWhenTargetUnavailable whether a target whose last connection attempt
	 * failed makes the status {@code DOWN}
	 */
	public EasyRpcHealthIndicator(ObjectProvider<RpcServer> server, ObjectProvider<RpcClientFactory> clients,
			boolean downWhenTargetUnavailable) {
		this.server = server;
		this.clients = clients;
		this.downWhenTargetUnavailable = downWhenTargetUnavailable;
	}

	@Override
	public Health health() {
		Health.Builder builder = Health.up();
		RpcServer rpcServer = this.server.getIfAvailable();
		if (rpcServer != null) {
			if (rpcServer.isDraining()) {
				builder.outOfService();
			}
			else if (!rpcServer.isRunning()) {
				builder.down();
			}
			builder.withDetail("state", EasyRpcEndpoint.state(rpcServer));
			if (rpcServer.port() >= 0) {
				builder.withDetail("port", rpcServer.port());
			}
			builder.withDetail("connections", rpcServer.connectionCount());
			builder.withDetail("activeCalls", rpcServer.activeCalls());
		}
		RpcClientFactory factory = this.clients.getIfAvailable();
		if (factory != null && !factory.targets().isEmpty()) {
			Map<String, Object> targets = new LinkedHashMap<>();
			boolean unavailable = false;
			for (RpcClientFactory.Target target : factory.targets()) {
				RpcChannel channel = target.channel();
				unavailable |= channel.state() == RpcChannel.State.TRANSIENT_FAILURE;
				targets.put(target.address(),
						Map.of("state", EasyRpcEndpoint.state(channel), "pendingCalls", channel.pendingCalls()));
			}
			builder.withDetail("targets", targets);
			if (unavailable && this.downWhenTargetUnavailable) {
				builder.down();
			}
		}
		return builder.build();
	}

}
