package io.easyrpc.benchmark.targets;

import io.easyrpc.annotation.RpcService;
import io.easyrpc.benchmark.api.BenchmarkService;
import io.easyrpc.benchmark.api.Payload;

/**
 * Echoes the payload: the work of the call is the RPC machinery alone.
 */
@RpcService
public class BenchmarkServiceImpl implements BenchmarkService {

	@Override
	public Payload echo(Payload payload) {
		return payload;
	}

	@Override
	public Payload echoNonBlocking(Payload payload) {
		return payload;
	}

}
