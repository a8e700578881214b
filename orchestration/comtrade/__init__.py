"""UN Comtrade: China's reported exports of the tracked codes and partners' mirror imports."""
