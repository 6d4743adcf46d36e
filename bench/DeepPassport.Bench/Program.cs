using DeepPassport.Bench;

// dotnet run -c Release --project bench/DeepPassport.Bench -- data [DATA_DIR] [ROUNDS]
// dotnet run -c Release --project bench/DeepPassport.Bench -- engine [ROUNDS] [step,ops,layers[=NAME PART],gemm,gemm-pair]
// dotnet run -c Release --project bench/DeepPassport.Bench -- isn [ROUNDS]
string mode = args.Length > 0 ? args[0] : "data";
if (mode == "isn")
{
    IsnBench.Run(args.Length > 1 ? int.Parse(args[1]) : 5);
    return 0;
}
if (mode == "engine")
{
    if (args.Length > 2) EngineBench.Run(args.Length > 1 ? int.Parse(args[1]) : 5, args[2]);
    else EngineBench.Run(args.Length > 1 ? int.Parse(args[1]) : 5);
    return 0;
}
string data = args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("DEEPPASSPORT_DATA")
    ?? throw new ArgumentException("give the data folder as the second argument or set DEEPPASSPORT_DATA");
int rounds = args.Length > 2 ? int.Parse(args[2]) : 5;
switch (mode)
{
    case "data": DataBench.Run(data, rounds); break;
    default: Console.Error.WriteLine($"unknown benchmark '{mode}' (known: data, engine, isn)"); return 2;
}
return 0;
