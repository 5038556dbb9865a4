using RoutingCore.Gateway;

// The reference gateway: http://127.0.0.1:5080 on the embedded default catalog unless configured (see README.md).
// A configuration error at start-up is one line on stderr naming the key, and exit code 2.
return await GatewayApp.RunAsync(args, Console.Error);
