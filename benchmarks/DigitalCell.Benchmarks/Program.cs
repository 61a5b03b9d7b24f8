Console.WriteLine("usage: dotnet run --project benchmarks/DigitalCell.Benchmarks -c Release -- <benchmark>");
return 0;
